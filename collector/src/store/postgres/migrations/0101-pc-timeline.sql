-- A PC's timeline (PcsRepository.historyPage/historyWindow) pages events by PC and time, newest first.
CREATE INDEX events_pc_time ON events (pc, time_ms, id);
