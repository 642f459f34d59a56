-- Alerts: one row per folded alert (same rule + PC + user within the rule's fold window), with its lifecycle
-- (new → acknowledged → resolved as true/false positive) and links to the events that made it.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  severity_rank INTEGER NOT NULL,
  color TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'resolved')),
  resolution TEXT CHECK (resolution IN ('true_positive', 'false_positive')),
  pc TEXT NOT NULL,
  user TEXT NOT NULL,
  agent_id TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  fold_key TEXT NOT NULL,
  fold_window_ms INTEGER NOT NULL,
  acknowledged_by TEXT,
  acknowledged_ms INTEGER,
  resolved_by TEXT,
  resolved_ms INTEGER,
  note TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX alerts_fold ON alerts (fold_key, last_ms) WHERE status != 'resolved';
CREATE INDEX alerts_last ON alerts (last_ms);
CREATE INDEX alerts_pc ON alerts (pc, last_ms);
CREATE INDEX alerts_user ON alerts (user, last_ms);
CREATE INDEX alerts_created ON alerts (created_ms);

CREATE TABLE alert_events (
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  event_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, event_id)
) WITHOUT ROWID;
