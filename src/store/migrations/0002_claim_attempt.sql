-- The Temporal activity attempt that holds a claim (workflow id and activity id, attempt number):
-- a later attempt of the same activity takes the claim over at once, since Temporal starts it only
-- after the earlier one failed or timed out (src/delivery/ledger.ts, ClaimWho).
ALTER TABLE delivery_ledger ADD COLUMN claim_holder text, ADD COLUMN claim_attempt integer;
