-- Removable media: device events (attach, mount, policy decisions with their rule) and file copies to exits
-- (removable media, cloud-sync folders, network shares), one row per event for search. The evidence stays in
-- `events`; everything here is untrusted text from the PC, bound as values, never spliced into SQL.
CREATE TABLE device_events (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  user TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  vendor_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  vendor TEXT NOT NULL,
  product TEXT NOT NULL,
  mount_point TEXT NOT NULL,
  filesystem TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  label TEXT NOT NULL,
  rule TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX device_events_time ON device_events (time_ms);
CREATE INDEX device_events_pc_time ON device_events (pc, time_ms);
CREATE INDEX device_events_serial ON device_events (serial, time_ms);
CREATE INDEX device_events_model ON device_events (vendor_id, product_id, serial);

CREATE TABLE file_copies (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  user TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  destination_path TEXT NOT NULL,
  destination_kind TEXT NOT NULL,
  destination_root TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  source_path TEXT NOT NULL,
  vendor_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  operation TEXT NOT NULL
);
CREATE INDEX file_copies_time ON file_copies (time_ms);
CREATE INDEX file_copies_pc_time ON file_copies (pc, time_ms);
CREATE INDEX file_copies_user_time ON file_copies (user, time_ms);
CREATE INDEX file_copies_sha256 ON file_copies (sha256);
CREATE INDEX file_copies_serial ON file_copies (serial, time_ms);
