-- Per-kind query tables (log entries, print jobs, mails …) are now filled after the evidence is stored and
-- acknowledged, by a projector that remembers how far it got. Before this, they were filled inside ingest, so
-- everything already stored is already projected.
INSERT OR REPLACE INTO meta (key, value) VALUES ('projected_through', (SELECT COALESCE(MAX(id), 0) FROM events));
