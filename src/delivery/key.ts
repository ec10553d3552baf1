/**
 * The deterministic identity of one send. A retried or re-run activity computes the same key,
 * so the ledger recognises a message it already sent. The key is a hash: it ends up in Temporal
 * histories, mail headers and logs, and must not carry a person's id there in clear text.
 */
import { createHash } from 'node:crypto';
import type { IsoDate } from '../domain';
import { CHANNEL_IDS, type Channel, type DeliveryKey } from './message';

const KEY_VERSION = 'pv1';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function deliveryKey(
  workflowId: string,
  eventKey: string,
  recipientId: string,
  localDate: IsoDate,
  channel: Channel,
): DeliveryKey {
  if (!workflowId || !eventKey || !recipientId)
    throw new Error('deliveryKey: workflowId, eventKey and recipientId must be non-empty');
  if (!ISO_DATE.test(localDate))
    throw new Error(`deliveryKey: localDate must be YYYY-MM-DD, got ${JSON.stringify(localDate)}`);
  if (!CHANNEL_IDS.includes(channel)) throw new Error(`deliveryKey: unknown channel ${JSON.stringify(channel)}`);
  // A JSON array, not a joined string: no separator inside an id can make two keys collide.
  const digest = createHash('sha256')
    .update(JSON.stringify([KEY_VERSION, workflowId, eventKey, recipientId, localDate, channel]))
    .digest('hex')
    .slice(0, 40);
  return `${KEY_VERSION}-${digest}`;
}

export function isDeliveryKey(value: string): value is DeliveryKey {
  return /^pv1-[0-9a-f]{40}$/.test(value);
}
