-- Imports of other systems' CSV logs (resident-record, tax … systems). Each imported row becomes an event
-- (kind imported_record) in `events`, chained per mapping under agent id "import:<mapping>"; this table records
-- each file imported (its SHA-256 also joins the audit chain), imported_rows makes a re-import add nothing twice.
CREATE TABLE log_imports (
  id INTEGER PRIMARY KEY,
  mapping TEXT NOT NULL,
  event_kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  rows_new INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  first_seq INTEGER,
  last_seq INTEGER,
  imported_ms INTEGER NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX log_imports_mapping ON log_imports (mapping, imported_ms);

-- A row's fingerprint: SHA-256 of its cells plus how many identical rows came before it in the same file, so
-- overlapping exports (today's file repeats yesterday's last hour) import each row once and true repeats survive.
CREATE TABLE imported_rows (
  mapping TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (mapping, fingerprint)
) WITHOUT ROWID;
