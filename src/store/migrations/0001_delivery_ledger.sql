-- The delivery ledger: one row per send, keyed by its delivery key (src/delivery/key.ts).
-- A row is 'claimed' by the attempt that is sending it (the unique key decides who sends) and
-- 'sent' once the provider accepted the message. A claim older than its lease belongs to an
-- attempt that died; the next attempt may take it over.
CREATE TABLE delivery_ledger (
  key text PRIMARY KEY,
  recipient_id text NOT NULL,
  channel text NOT NULL,
  state text NOT NULL CHECK (state IN ('claimed', 'sent')),
  claimed_by text,
  claimed_at timestamptz NOT NULL,
  sent_at timestamptz,
  provider_message_id text
);
-- GDPR erasure deletes by person; the retention prune by age.
CREATE INDEX delivery_ledger_recipient ON delivery_ledger (recipient_id);
CREATE INDEX delivery_ledger_sent_at ON delivery_ledger (sent_at);
