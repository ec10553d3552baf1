/**
 * The delivery ledger in the shared store: every worker, on any machine, reads and writes the same
 * rows, so a message is sent once however many workers there are.
 *
 * The send is decided by one write: `claim` inserts the key's row (the primary key lets exactly
 * one attempt in), not a read followed by a write that two workers could both pass. The claim is
 * turned into 'sent' when the provider accepted the message (`record`), or given back when the
 * send failed (`release`). A claim whose lease ran out belongs to an attempt that died between
 * claiming and recording; the next attempt takes it over (the same narrow window as before, which
 * the channels' own de-duplication by Message-ID and chainId closes further).
 */
import { randomUUID } from 'node:crypto';
import type {
  Channel,
  ClaimWho,
  ClaimingDeliveryLedger,
  DeliveryClaim,
  DeliveryInfo,
  DeliveryKey,
  DeliveryRecord,
} from '../delivery';
import type { SqlExecutor } from './sql';

/** Long enough for any one send (SMTP and Graph time out well before), short enough that a crash is retried the same day. */
export const CLAIM_LEASE_MS = 10 * 60_000;

interface Row {
  key: string;
  recipient_id: string;
  channel: string;
  state: 'claimed' | 'sent';
  claimed_by: string | null;
  sent_at: Date | string | null;
  provider_message_id: string | null;
}

function toRecord(r: Row): DeliveryRecord {
  return {
    key: r.key as DeliveryKey,
    recipientId: r.recipient_id,
    channel: r.channel as Channel,
    sentAt: new Date(r.sent_at!).toISOString(),
    ...(r.provider_message_id ? { providerMessageId: r.provider_message_id } : {}),
  };
}

export class SqlDeliveryLedger implements ClaimingDeliveryLedger {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => Date = () => new Date(),
    private readonly leaseMs = CLAIM_LEASE_MS,
  ) {}

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.sql.query<Row>(`SELECT * FROM delivery_ledger WHERE key = $1 AND state = 'sent'`, [
      key,
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async has(key: DeliveryKey): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async claim(key: DeliveryKey, who: ClaimWho): Promise<DeliveryClaim> {
    const token = randomUUID();
    const now = this.now();
    const expired = new Date(now.getTime() - this.leaseMs);
    // One statement: insert the claim, or take over a claim whose lease ran out or that an earlier
    // attempt of the same activity holds (that attempt has failed or timed out); never a sent row.
    const { rows } = await this.sql.query<Row>(
      `INSERT INTO delivery_ledger AS l (key, recipient_id, channel, state, claimed_by, claimed_at, claim_holder, claim_attempt)
       VALUES ($1, $2, $3, 'claimed', $4, $5, $7, $8)
       ON CONFLICT (key) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at,
           claim_holder = EXCLUDED.claim_holder, claim_attempt = EXCLUDED.claim_attempt
         WHERE l.state = 'claimed'
           AND (l.claimed_at < $6 OR (l.claim_holder = EXCLUDED.claim_holder AND l.claim_attempt < EXCLUDED.claim_attempt))
       RETURNING claimed_by`,
      [
        key,
        who.recipientId,
        who.channel,
        token,
        now.toISOString(),
        expired.toISOString(),
        who.attempt?.holder ?? null,
        who.attempt?.number ?? null,
      ],
    );
    if (rows[0]?.claimed_by === token) return { status: 'claimed', token };
    const { rows: current } = await this.sql.query<Row>('SELECT * FROM delivery_ledger WHERE key = $1', [key]);
    const row = current[0];
    if (row?.state === 'sent') return { status: 'sent', record: toRecord(row) };
    // Released between our insert and this read: not ours, and nobody's; the caller retries.
    return { status: 'busy' };
  }

  async release(key: DeliveryKey, token: string): Promise<void> {
    await this.sql.query(`DELETE FROM delivery_ledger WHERE key = $1 AND state = 'claimed' AND claimed_by = $2`, [
      key,
      token,
    ]);
  }

  async record(key: DeliveryKey, info: DeliveryInfo): Promise<void> {
    await this.sql.query(
      `INSERT INTO delivery_ledger (key, recipient_id, channel, state, claimed_at, sent_at, provider_message_id)
       VALUES ($1, $2, $3, 'sent', $4, $4, $5)
       ON CONFLICT (key) DO UPDATE SET state = 'sent', claimed_by = NULL, sent_at = EXCLUDED.sent_at,
         provider_message_id = EXCLUDED.provider_message_id`,
      [key, info.recipientId, info.channel, info.sentAt, info.providerMessageId ?? null],
    );
  }

  async eraseRecipient(recipientId: string): Promise<number> {
    return (await this.sql.query('DELETE FROM delivery_ledger WHERE recipient_id = $1', [recipientId])).rowCount;
  }

  /** The retention prune: forgets sends older than `before`. */
  async pruneSentBefore(before: Date): Promise<number> {
    return (
      await this.sql.query(`DELETE FROM delivery_ledger WHERE state = 'sent' AND sent_at < $1`, [before.toISOString()])
    ).rowCount;
  }
}
