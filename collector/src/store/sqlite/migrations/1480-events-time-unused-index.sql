-- No query reads events by time alone: by time they are read per PC (events_pc_time, events_pc_kind_time) or per
-- kind (events_kind_time, the report's lifecycle rows), by (agent, seq) or by id. EXPLAIN QUERY PLAN of every
-- events query picked one of those (events-indexes.test.ts), so this index only cost each ingested event an insert.
DROP INDEX events_time;
