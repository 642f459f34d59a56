-- Department and site per PC from a directory import (CSV now). Each import replaces the whole table.
CREATE TABLE pc_directory (
  pc TEXT PRIMARY KEY,
  department TEXT NOT NULL DEFAULT '',
  site TEXT NOT NULL DEFAULT '',
  imported_ms INTEGER NOT NULL
) WITHOUT ROWID;
