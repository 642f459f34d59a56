-- SIEM export of alerts and audit entries: one cursor per sink and record stream, beside the events' siem_cursors.
-- Moved, like the events' cursor, only once the sink's OS holds the records' bytes.
CREATE TABLE siem_record_cursors (
  sink TEXT NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('alerts', 'audit')),
  last_id INTEGER NOT NULL,
  exported INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (sink, stream)
) WITHOUT ROWID;
