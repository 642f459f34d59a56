-- Alert mail. The outbox holds every mail until the SMTP server accepted it (sent_ms set only then), so an SMTP
-- outage or a collector restart loses nothing; message_id is fixed per row so a retry is recognisably the same
-- mail. notify_queue holds alerts waiting for a digest or for a rate-limited recipient's "N more" summary.
CREATE TABLE notify_outbox (
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('immediate', 'digest', 'summary')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  alert_ids TEXT NOT NULL DEFAULT '[]',
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  sent_ms INTEGER,
  -- set when the server refused the mail for good (5xx): kept for the record, not retried
  failed_ms INTEGER,
  smtp_response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_ms) WHERE sent_ms IS NULL AND failed_ms IS NULL;
CREATE INDEX notify_outbox_recipient ON notify_outbox (recipient, kind, created_ms);

CREATE TABLE notify_queue (
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,
  bucket TEXT NOT NULL CHECK (bucket IN ('hourly', 'daily', 'overflow')),
  alert_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (recipient, bucket, alert_id)
);
CREATE INDEX notify_queue_recipient ON notify_queue (recipient, bucket, created_ms);
