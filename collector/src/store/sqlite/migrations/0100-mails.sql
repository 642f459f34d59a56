-- Sent mail log (agent SMTP relay): one row per mail event, its attachments, and a full-text index.
-- The index is FTS5 with the trigram tokenizer over subject, body excerpt, addresses and attachment names
-- (NFKC-normalised, lower-cased), so any substring of 3+ characters matches: Japanese has no spaces between
-- words, and parts of addresses ("example.co") must match too. Two-character Japanese words (機密, 秘密, 住所 …),
-- which trigrams cannot find, are appended as bigram tokens (each followed by U+E000 so it forms one trigram of
-- its own). The index is contentless and keeps no positions
-- (detail=none, an eighth of the size): a search looks up its rarest trigrams and then checks each candidate
-- row's text for the whole term. mails_fts_sample indexes every 128th mail the same way, so the search can tell
-- rare trigrams from common ones cheaply.
CREATE TABLE mails (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  to_json TEXT NOT NULL,
  cc_json TEXT NOT NULL,
  bcc_json TEXT NOT NULL,
  subject TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  body_excerpt TEXT NOT NULL,
  verdict TEXT NOT NULL,
  rule TEXT NOT NULL,
  malformed INTEGER NOT NULL,
  upstream_response TEXT NOT NULL,
  attachment_count INTEGER NOT NULL,
  -- newline-separated, for the search's check of candidate rows (attachments themselves are below)
  attachment_names TEXT NOT NULL
);
CREATE INDEX mails_time ON mails (time_ms);
CREATE INDEX mails_pc ON mails (pc, id);
CREATE INDEX mails_user ON mails (user, id);
CREATE INDEX mails_verdict ON mails (verdict, id);

CREATE TABLE mail_attachments (
  mail_id INTEGER NOT NULL REFERENCES mails (id),
  ordinal INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  inline INTEGER NOT NULL,
  PRIMARY KEY (mail_id, ordinal)
) WITHOUT ROWID;
-- "Where else did this file go?": the same SHA-256 across mails (and, by value, across other kinds).
CREATE INDEX mail_attachments_sha256 ON mail_attachments (sha256);

CREATE VIRTUAL TABLE mails_fts USING fts5 (
  text,
  content = '', contentless_delete = 1, detail = none, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE mails_fts_sample USING fts5 (
  text,
  content = '', contentless_delete = 1, detail = none, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE mails_fts_sample_vocab USING fts5vocab (mails_fts_sample, 'row');
