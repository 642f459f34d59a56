-- The combined log on PostgreSQL (SQLite: 0600-console.sql), filled by the projector in the pass that advances
-- the cursor. Keyword search: pg_trgm (ships with PostgreSQL's contrib, a trusted extension the database owner may
-- create, offered by the managed services) with a GIN trigram index over summary and detail; see README for why
-- not pg_bigm. The newline joining them never occurs inside a typed word, so no match spans the two fields.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE log_entries (
  event_id bigint PRIMARY KEY,
  time_ms bigint NOT NULL,
  pc text NOT NULL,
  user_name text NOT NULL,
  kind text NOT NULL,
  action text NOT NULL,
  summary text NOT NULL,
  detail text NOT NULL,
  size_bytes bigint NOT NULL DEFAULT 0
);
CREATE INDEX log_entries_time ON log_entries (time_ms, event_id);
CREATE INDEX log_entries_kind_time ON log_entries (kind, time_ms);
CREATE INDEX log_entries_pc_time ON log_entries (pc, time_ms);
CREATE INDEX log_entries_user_time ON log_entries (user_name, time_ms);
CREATE INDEX log_entries_text ON log_entries USING gin ((summary || E'\n' || detail) gin_trgm_ops);
