-- Settings an admin changes from the console (alert SMTP server, the console's public URL): they override the
-- config file's values, take effect without a restart, and say who changed them when.
CREATE TABLE collector_settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;
