-- Alert windows rebuilt from the evidence (issue 14 item 3): a collector that takes the projection over reads the
-- events its threshold rules count (a few kinds) over the longest window (a day by default). Without an index by
-- kind and time that read scans every partition the window touches; SQLite has had the same index (events_kind_time)
-- from its first migration. Each ingested event pays one more index entry.
CREATE INDEX events_kind_time ON events (kind, time_ms, id);
