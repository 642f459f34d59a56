-- Temporary upload exceptions granted from the console, API or CLI (issue 17): lift an upload block or warning
-- for one category or domain on one PC (optionally one user) until a time. Every grant and revocation also
-- writes a change row, so the running collector's watcher (which may be another process than the writer) sees
-- it by seq and pushes the PC's policy at once.
CREATE TABLE upload_exceptions (
  id TEXT PRIMARY KEY,
  pc TEXT NOT NULL,
  user_name TEXT,
  category TEXT,
  domain TEXT,
  until_ms INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER,
  revoked_by TEXT,
  CHECK ((category IS NULL) <> (domain IS NULL))
);
CREATE INDEX upload_exceptions_pc ON upload_exceptions (pc, until_ms);
CREATE TABLE upload_exception_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  pc TEXT NOT NULL
);
