-- Clocks: the last skew between an agent's clock and the collector's, measured at each connect (agent's hello
-- time minus the collector's time). A finding is recorded only when the skew changes materially, not per reconnect.
ALTER TABLE agents ADD COLUMN clock_skew_ms INTEGER;
ALTER TABLE agents ADD COLUMN clock_checked_ms INTEGER;
