-- The rest of Planvakt's own state that every process shares (README, "Production"): nothing a
-- worker or a web replica must agree on is kept in its data folder.

-- Signed-in sessions (src/web/sessions.ts): keyed by the SHA-256 of the session id, so the table
-- holds no usable id. Sign-out and HR's "log out everywhere" delete rows; expiry is a column.
CREATE TABLE web_sessions (
  id_sha256 text PRIMARY KEY,
  person_id text NOT NULL,
  via text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);

-- Each person's calendar feed generation (src/web/app/calendar-feeds.ts): raised by one UPDATE.
CREATE TABLE calendar_feed_generations (
  person_id text PRIMARY KEY,
  generation integer NOT NULL,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL
);

-- Messages that reached no channel (src/delivery/undeliverable.ts): the key lets a retried
-- activity record once (INSERT … ON CONFLICT DO NOTHING decides, not a read first).
CREATE TABLE undeliverable (
  key text PRIMARY KEY,
  recorded_at timestamptz NOT NULL,
  person_id text,
  entry jsonb NOT NULL
);
CREATE INDEX undeliverable_person ON undeliverable (person_id);
CREATE INDEX undeliverable_recorded_at ON undeliverable (recorded_at);

-- The follow-up reports (src/follow-up/report): whichever worker closes a cycle writes them here,
-- the web app serves them. Rewritten whole by a retried close (the same cycle, the same report).
CREATE TABLE follow_up_reports (
  cycle_id text PRIMARY KEY,
  department text NOT NULL,
  html text NOT NULL,
  xlsx bytea NOT NULL,
  written_at timestamptz NOT NULL
);

-- HR's column mappings from Importera (src/plan/column-mappings.ts), one per table shape.
CREATE TABLE column_mappings (
  signature text PRIMARY KEY,
  mapping jsonb NOT NULL,
  saved_at timestamptz NOT NULL
);
