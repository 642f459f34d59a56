-- File copies to exits on PostgreSQL (SQLite: 0300-devices.sql), filled by the projector.
CREATE TABLE file_copies (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  user_name text NOT NULL,
  time_ms bigint NOT NULL,
  destination_path text NOT NULL,
  destination_kind text NOT NULL,
  destination_root text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  source_path text NOT NULL,
  vendor_id text NOT NULL,
  product_id text NOT NULL,
  serial text NOT NULL,
  operation text NOT NULL
);
CREATE INDEX file_copies_time ON file_copies (time_ms);
CREATE INDEX file_copies_pc_time ON file_copies (pc, time_ms);
CREATE INDEX file_copies_serial ON file_copies (vendor_id, product_id, serial, time_ms);
CREATE INDEX file_copies_sha ON file_copies (sha256);
CREATE INDEX device_events_model ON device_events (vendor_id, product_id, serial);
