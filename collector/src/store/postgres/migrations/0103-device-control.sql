-- Device control on PostgreSQL (SQLite: 0300-devices.sql, 1200-exception-revocations.sql). device_events is filled
-- by the projector (PC detail's "devices seen"); a revocation is a row the push watchers of every collector see.
CREATE TABLE device_events (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  user_name text NOT NULL,
  time_ms bigint NOT NULL,
  action text NOT NULL,
  vendor_id text NOT NULL,
  product_id text NOT NULL,
  serial text NOT NULL,
  vendor text NOT NULL,
  product text NOT NULL,
  mount_point text NOT NULL,
  filesystem text NOT NULL,
  size_bytes bigint NOT NULL,
  label text NOT NULL,
  rule text NOT NULL,
  message text NOT NULL
);
CREATE INDEX device_events_time ON device_events (time_ms);
CREATE INDEX device_events_pc_time ON device_events (pc, time_ms);
CREATE INDEX device_events_serial ON device_events (serial, time_ms);

CREATE TABLE device_exception_revocations (
  seq bigserial PRIMARY KEY,
  exception_id text NOT NULL,
  pc text NOT NULL,
  revoked_ms bigint NOT NULL,
  revoked_by text NOT NULL
);
