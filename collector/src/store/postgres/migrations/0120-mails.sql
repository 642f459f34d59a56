-- Relayed mail on PostgreSQL (SQLite: 0100-mails.sql), filled by the projector in the pass that moves the cursor.
-- Keyword search: search_text holds the searchable fields (subject, body excerpt, addresses, attachment names)
-- NFKC-normalised and lower-cased by the same function SQLite's indexer uses, under a pg_trgm GIN index; a search
-- term (normalised the same way) is one LIKE each. Terms of 3+ characters use the index, two-character Japanese
-- words are checked row by row (as logs do, migration 0102). pg_trgm was created there.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE mails (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  seq bigint NOT NULL,
  time_ms bigint NOT NULL,
  user_name text NOT NULL,
  message_id text NOT NULL,
  sender text NOT NULL,
  to_json text NOT NULL,
  cc_json text NOT NULL,
  bcc_json text NOT NULL,
  subject text NOT NULL,
  size_bytes bigint NOT NULL,
  body_excerpt text NOT NULL,
  verdict text NOT NULL,
  rule text NOT NULL,
  malformed boolean NOT NULL,
  upstream_response text NOT NULL,
  attachment_count integer NOT NULL,
  search_text text NOT NULL
);
CREATE INDEX mails_time ON mails (time_ms);
CREATE INDEX mails_pc ON mails (pc, id);
CREATE INDEX mails_user ON mails (user_name, id);
CREATE INDEX mails_verdict ON mails (verdict, id);
CREATE INDEX mails_search_text ON mails USING gin (search_text gin_trgm_ops);

CREATE TABLE mail_attachments (
  mail_id bigint NOT NULL REFERENCES mails (id),
  ordinal integer NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  inline boolean NOT NULL,
  PRIMARY KEY (mail_id, ordinal)
);
-- "Where else did this file go?": the same SHA-256 across mails.
CREATE INDEX mail_attachments_sha256 ON mail_attachments (sha256);
