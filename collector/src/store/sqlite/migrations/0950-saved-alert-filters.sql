-- Saved alert filters, per console user: a name and the filter as JSON (validated by the HTTP layer before storing).
-- Alert list order is by event time (last_ms, then id); alerts_last (last_ms) already carries the rowid for ties.
CREATE TABLE saved_alert_filters (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  name TEXT NOT NULL,
  filter_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (username, name)
);
