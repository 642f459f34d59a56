-- Imports of other systems' CSV logs on PostgreSQL (SQLite: 0901-log-imports.sql). Imported rows are events in
-- `events` (kind imported_record, agent id "import:<mapping>", one hash chain per mapping), projected like any
-- other; log_imports records each file, imported_rows makes a re-import add nothing twice.
CREATE TABLE log_imports (
  id bigserial PRIMARY KEY,
  mapping text NOT NULL,
  event_kind text NOT NULL,
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  rows_total integer NOT NULL,
  rows_new integer NOT NULL,
  rows_duplicate integer NOT NULL,
  rows_rejected integer NOT NULL,
  first_seq bigint,
  last_seq bigint,
  imported_ms bigint NOT NULL,
  actor text NOT NULL
);
CREATE INDEX log_imports_mapping ON log_imports (mapping, imported_ms);

-- A row's fingerprint: SHA-256 of its cells plus how many identical rows came before it in the same file.
CREATE TABLE imported_rows (
  mapping text NOT NULL,
  fingerprint bytea NOT NULL,
  event_id bigint NOT NULL,
  PRIMARY KEY (mapping, fingerprint)
);
