-- The daily digest of risk movers (collector/src/risk/digest.ts): who subscribed, and which local days' digests
-- are already queued (in the same transaction as their outbox mails: once per day, across restarts).
CREATE TABLE risk_digest_subscriptions (
  email TEXT PRIMARY KEY COLLATE NOCASE,
  -- '' = every department
  department TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE risk_digest_runs (
  local_date TEXT PRIMARY KEY,
  queued_ms INTEGER NOT NULL,
  mails INTEGER NOT NULL
) WITHOUT ROWID;
