-- Inspection reports on PostgreSQL (SQLite: 0920-reports.sql): one row per generated report with its files, the
-- review record, and each scheduled template's cursor. Shared by every collector on the database, so a scheduled
-- report is unique per template and period (two collectors, or a restart mid-run, never make one twice).
CREATE TABLE reports (
  id bigserial PRIMARY KEY,
  template text NOT NULL,
  title text NOT NULL,
  period_kind text NOT NULL CHECK (period_kind IN ('weekly', 'monthly', 'on_demand')),
  from_ms bigint NOT NULL,
  to_ms bigint NOT NULL,
  timezone text NOT NULL,
  scope_json text NOT NULL,
  items_json text NOT NULL,
  totals_json text NOT NULL,
  covered_actors_json text NOT NULL DEFAULT '[]',
  generated_ms bigint NOT NULL,
  generated_by text NOT NULL,
  pdf_sha256 text NOT NULL,
  csv_sha256 text NOT NULL,
  audit_id bigint NOT NULL
);
CREATE UNIQUE INDEX reports_scheduled_period ON reports (template, period_kind, from_ms) WHERE period_kind <> 'on_demand';
CREATE INDEX reports_generated ON reports (generated_ms);

CREATE TABLE report_files (
  report_id bigint NOT NULL REFERENCES reports (id),
  format text NOT NULL CHECK (format IN ('pdf', 'csv')),
  content bytea NOT NULL,
  PRIMARY KEY (report_id, format)
);

CREATE TABLE report_reviews (
  report_id bigint PRIMARY KEY REFERENCES reports (id),
  reviewer text NOT NULL,
  reviewer_role text NOT NULL,
  note text NOT NULL,
  reviewed_ms bigint NOT NULL,
  audit_id bigint NOT NULL
);

CREATE TABLE report_schedule (
  template text PRIMARY KEY,
  period_kind text NOT NULL,
  next_from_ms bigint NOT NULL
);

-- The tamper_and_stops item reads agent lifecycle events from the evidence by time (they have no query table).
-- Partial: a few bytes per lifecycle event, none for the other kinds.
CREATE INDEX events_lifecycle_time ON events (time_ms) WHERE kind = 'lifecycle';
