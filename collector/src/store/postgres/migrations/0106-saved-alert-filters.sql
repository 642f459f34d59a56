-- Saved alert filters on PostgreSQL (SQLite: 0950-saved-alert-filters.sql): a user's filters follow them to
-- whichever collector's console they sign in to.
CREATE TABLE saved_alert_filters (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  name text NOT NULL,
  filter_json text NOT NULL,
  created_ms bigint NOT NULL,
  UNIQUE (username, name)
);
