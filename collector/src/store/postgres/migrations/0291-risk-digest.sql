-- The daily risk digest on PostgreSQL (SQLite: 1301-risk-digest.sql), shared by every collector on the database:
-- one list of subscribers, and one row per local day claimed in the same transaction as the day's outbox mails, so
-- however many collectors reach the digest time, the day's digest is queued once (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE risk_digest_subscriptions (
  email text NOT NULL,
  -- '' = every department
  department text NOT NULL,
  created_by text NOT NULL,
  created_ms bigint NOT NULL
);
-- One subscription per address whatever its case, as SQLite's COLLATE NOCASE key.
CREATE UNIQUE INDEX risk_digest_subscriptions_email ON risk_digest_subscriptions (lower(email));

CREATE TABLE risk_digest_runs (
  local_date text PRIMARY KEY,
  queued_ms bigint NOT NULL,
  mails integer NOT NULL
);
