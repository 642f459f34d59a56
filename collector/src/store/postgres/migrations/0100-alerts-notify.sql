-- Feature tables on PostgreSQL (issue 14): alerts with their folding state, the notification outbox and queues,
-- and the PC directory alerts are filtered by. Same shape as the SQLite migrations 0500–0961; `user` is a reserved
-- word here, so the column is user_name. Folding happens in these rows under one advisory lock, so a burst that
-- arrives through several collectors folds into one alert.
CREATE TABLE pc_directory (
  pc text PRIMARY KEY,
  department text NOT NULL DEFAULT '',
  site text NOT NULL DEFAULT '',
  imported_ms bigint NOT NULL
);

CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  rule_id text NOT NULL,
  rule_name text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  severity_rank integer NOT NULL,
  color text NOT NULL,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'resolved')),
  resolution text CHECK (resolution IN ('true_positive', 'false_positive')),
  pc text NOT NULL,
  user_name text NOT NULL,
  agent_id text NOT NULL DEFAULT '',
  title text NOT NULL,
  count bigint NOT NULL,
  first_ms bigint NOT NULL,
  last_ms bigint NOT NULL,
  fold_key text NOT NULL,
  fold_window_ms bigint NOT NULL,
  acknowledged_by text,
  acknowledged_ms bigint,
  resolved_by text,
  resolved_ms bigint,
  note text NOT NULL DEFAULT '',
  created_ms bigint NOT NULL,
  updated_ms bigint NOT NULL,
  linked_count integer NOT NULL DEFAULT 0
);
CREATE INDEX alerts_fold ON alerts (fold_key, last_ms) WHERE status != 'resolved';
CREATE INDEX alerts_open_fold ON alerts (fold_key, id) WHERE status = 'new';
CREATE INDEX alerts_last ON alerts (last_ms, id);
CREATE INDEX alerts_pc ON alerts (pc, last_ms);
CREATE INDEX alerts_user ON alerts (user_name, last_ms);
CREATE INDEX alerts_created ON alerts (created_ms);

CREATE TABLE alert_events (
  alert_id bigint NOT NULL REFERENCES alerts (id),
  event_id bigint NOT NULL,
  PRIMARY KEY (alert_id, event_id)
);

CREATE TABLE alert_offline_pcs (
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  since_ms bigint NOT NULL,
  PRIMARY KEY (alert_id, agent_id)
);

CREATE TABLE notify_outbox (
  id bigserial PRIMARY KEY,
  recipient text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('immediate', 'digest', 'summary')),
  subject text NOT NULL,
  body text NOT NULL,
  message_id text NOT NULL UNIQUE,
  alert_ids text NOT NULL DEFAULT '[]',
  created_ms bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_ms bigint NOT NULL,
  last_error text NOT NULL DEFAULT '',
  sent_ms bigint,
  failed_ms bigint,
  smtp_response text NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_ms) WHERE sent_ms IS NULL AND failed_ms IS NULL;
CREATE INDEX notify_outbox_recipient ON notify_outbox (recipient, kind, created_ms);

CREATE TABLE notify_queue (
  id bigserial PRIMARY KEY,
  recipient text NOT NULL,
  bucket text NOT NULL CHECK (bucket IN ('hourly', 'daily', 'overflow')),
  alert_id bigint NOT NULL,
  created_ms bigint NOT NULL,
  UNIQUE (recipient, bucket, alert_id)
);
CREATE INDEX notify_queue_recipient ON notify_queue (recipient, bucket, created_ms);

CREATE TABLE notify_outbox_attachments (
  outbox_id bigint NOT NULL,
  ordinal integer NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (outbox_id, ordinal)
);
