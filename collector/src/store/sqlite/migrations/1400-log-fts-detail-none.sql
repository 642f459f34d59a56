-- The combined log's trigram index without positions (detail=none): it was the largest object after the evidence
-- (288 of 1,492 bytes per event in bench:storage's mix), mostly positions. A keyword search now looks up a few of a
-- word's trigrams (all must be in the row) and checks each candidate's summary and detail for the whole word
-- (queries/logs.ts), which is what the phrase query did with positions. Still external content: the text lives
-- only in log_entries. columnsize=0: no per-row token counts (the docsize table, ~10 bytes per entry), which only
-- ranking (bm25) reads and nothing here ranks.
DROP TABLE log_entries_fts;
CREATE VIRTUAL TABLE log_entries_fts USING fts5 (
  summary, detail, content = 'log_entries', content_rowid = 'event_id', detail = none, columnsize = 0, tokenize = 'trigram'
);
INSERT INTO log_entries_fts (log_entries_fts) VALUES ('rebuild');
