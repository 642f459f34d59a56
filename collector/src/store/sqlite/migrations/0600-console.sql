-- Console: one row per loggable event (file copies, print jobs, mails, uploads, device events, policy decisions)
-- for the combined log view, its keyword search and CSV export. `summary` is the thing a person looks for (file,
-- document, subject, device); `detail` is where it went. Both are untrusted text from the PC.
-- event_id is the events rowid, so "newest first" by rowid is cheap inside the FTS index.
CREATE TABLE log_entries (
  event_id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  pc TEXT NOT NULL,
  user TEXT NOT NULL,
  kind TEXT NOT NULL,
  action TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL,
  size_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX log_entries_time ON log_entries (time_ms);
CREATE INDEX log_entries_kind_time ON log_entries (kind, time_ms);
CREATE INDEX log_entries_pc_time ON log_entries (pc, time_ms);
CREATE INDEX log_entries_user_time ON log_entries (user, time_ms);

-- Trigram FTS: Japanese has no spaces and partial file names must match. External content: text lives above.
CREATE VIRTUAL TABLE log_entries_fts USING fts5 (
  summary, detail, content = 'log_entries', content_rowid = 'event_id', tokenize = 'trigram'
);

-- The PC timeline pages by (pc, time_ms, id) newest first; events_pc_time already covers it (rowid is implicit).
-- Per-PC latest inventory: a PC's inventory events by time without scanning its whole history.
CREATE INDEX events_pc_kind_time ON events (pc, kind, time_ms);
