-- Inspection reports. One row per generated report: its template, period [from_ms, to_ms), scope, the SHA-256 of
-- each file (also written to the audit chain) and per-item totals. The files themselves are kept here too, so
-- every collector sharing the database can serve and mail them. A scheduled report is unique per template and
-- period (so two collectors, or a restart mid-run, never make one twice); report_schedule is each scheduled
-- template's cursor: the start of the next period still owed, moved in the transaction that stores its report.
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  template TEXT NOT NULL,
  title TEXT NOT NULL,
  period_kind TEXT NOT NULL CHECK (period_kind IN ('weekly', 'monthly', 'on_demand')),
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  scope_json TEXT NOT NULL,
  items_json TEXT NOT NULL,
  totals_json TEXT NOT NULL,
  -- audit actors whose actions the report lists (admin_actions): none of them may mark it reviewed
  covered_actors_json TEXT NOT NULL DEFAULT '[]',
  generated_ms INTEGER NOT NULL,
  generated_by TEXT NOT NULL,
  pdf_sha256 TEXT NOT NULL,
  csv_sha256 TEXT NOT NULL,
  audit_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX reports_scheduled_period ON reports (template, period_kind, from_ms) WHERE period_kind <> 'on_demand';
CREATE INDEX reports_generated ON reports (generated_ms);

CREATE TABLE report_files (
  report_id INTEGER NOT NULL REFERENCES reports (id),
  format TEXT NOT NULL CHECK (format IN ('pdf', 'csv')),
  content BLOB NOT NULL,
  PRIMARY KEY (report_id, format)
) WITHOUT ROWID;

-- The review record inspectors ask for: who looked at the report, when, and what they noted. One per report.
CREATE TABLE report_reviews (
  report_id INTEGER PRIMARY KEY REFERENCES reports (id),
  reviewer TEXT NOT NULL,
  reviewer_role TEXT NOT NULL,
  note TEXT NOT NULL,
  reviewed_ms INTEGER NOT NULL,
  audit_id INTEGER NOT NULL
);

CREATE TABLE report_schedule (
  template TEXT PRIMARY KEY,
  period_kind TEXT NOT NULL,
  next_from_ms INTEGER NOT NULL
);

-- Files attached to an outbox mail (inspection reports); kept beside the outbox so its own columns stay as they are.
CREATE TABLE notify_outbox_attachments (
  outbox_id INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (outbox_id, ordinal)
) WITHOUT ROWID;
