import { join } from 'node:path';

/** Where the delivery side keeps its files, under the data directory. */
export const deliveryFiles = (dataDir: string) => ({
  outbox: join(dataDir, 'outbox.jsonl'),
  ledger: join(dataDir, 'delivery-ledger.jsonl'),
  undeliverable: join(dataDir, 'undeliverable.jsonl'),
});
