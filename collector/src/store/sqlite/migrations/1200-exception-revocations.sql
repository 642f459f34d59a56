-- Revoking an exception from the console, API or CLI (another process): each revocation is a row here, so the
-- running collector's watcher sees it by rowid (as it sees new exceptions) and pushes the PC's policy at once.
CREATE TABLE device_exception_revocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  exception_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  revoked_ms INTEGER NOT NULL,
  revoked_by TEXT NOT NULL
);
