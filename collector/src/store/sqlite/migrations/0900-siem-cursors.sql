-- SIEM export: how far each configured sink got, as the id of the last event handed to its socket or file.
-- Moved only after the bytes left the process (socket write completed, file write returned), so a restart resumes
-- right after the last event delivered.
CREATE TABLE siem_cursors (
  sink TEXT PRIMARY KEY,
  event_id INTEGER NOT NULL,
  exported INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL
);
