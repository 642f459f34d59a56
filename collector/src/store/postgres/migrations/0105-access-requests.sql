-- Access requests on PostgreSQL (SQLite: 0700-access-requests.sql), filled by the projector: the work queue the
-- console lists, shared by every collector, and the delivery of each answer back to the PC.
CREATE TABLE access_requests (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  request_id text NOT NULL,
  pc text NOT NULL,
  user_name text NOT NULL,
  time_ms bigint NOT NULL,
  subject text NOT NULL,
  reason text NOT NULL,
  blocked_rule text NOT NULL,
  vendor_id text NOT NULL,
  product_id text NOT NULL,
  serial text NOT NULL,
  vendor text NOT NULL,
  product text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
  decided_by text,
  decided_ms bigint,
  note text NOT NULL DEFAULT '',
  until_ms bigint,
  exception_id text,
  sent_ms bigint,
  received_ms bigint
);
CREATE UNIQUE INDEX access_requests_identity ON access_requests (agent_id, request_id);
CREATE INDEX access_requests_status_time ON access_requests (status, time_ms);
CREATE INDEX access_requests_undelivered ON access_requests (agent_id) WHERE status <> 'pending' AND received_ms IS NULL;
