-- Access requests made by employees from the tray (access_request events with state REQUESTED), the admin's
-- decision, and delivery of the answer back to the PC. The request itself stays in `events` as evidence; this
-- table is the work queue the console lists. sent_ms: last time the answer went down a live stream;
-- received_ms: the agent journaled OUTCOME_RECEIVED (the employee was told), so re-sending stops.
CREATE TABLE access_requests (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  user TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  subject TEXT NOT NULL,
  reason TEXT NOT NULL,
  blocked_rule TEXT NOT NULL,
  vendor_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  vendor TEXT NOT NULL,
  product TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
  decided_by TEXT,
  decided_ms INTEGER,
  note TEXT NOT NULL DEFAULT '',
  until_ms INTEGER,
  exception_id TEXT,
  sent_ms INTEGER,
  received_ms INTEGER
);
CREATE UNIQUE INDEX access_requests_identity ON access_requests (agent_id, request_id);
CREATE INDEX access_requests_status_time ON access_requests (status, time_ms);
CREATE INDEX access_requests_undelivered ON access_requests (agent_id) WHERE status <> 'pending' AND received_ms IS NULL;
