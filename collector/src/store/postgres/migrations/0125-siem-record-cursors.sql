-- SIEM export of alerts and audit entries on PostgreSQL (SQLite: 1360-siem-record-cursors.sql): one cursor per sink
-- and stream, an alert or audit id. Unlike event ids these commit in id order: alerts are inserted only under the
-- alerts advisory lock and audit entries only under the audit chain's, both held until commit, so an id is taken
-- after every lower one committed (or rolled back) and a cursor never passes one still to come.
CREATE TABLE siem_record_cursors (
  sink text NOT NULL,
  stream text NOT NULL CHECK (stream IN ('alerts', 'audit')),
  last_id bigint NOT NULL,
  exported bigint NOT NULL DEFAULT 0,
  updated_ms bigint NOT NULL,
  PRIMARY KEY (sink, stream)
);
