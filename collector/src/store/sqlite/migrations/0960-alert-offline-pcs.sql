-- The PCs behind an "N PCs offline" alert (one alert per site and working day): the alert's count is the number of
-- rows here, so a PC reported again (after a collector restart) is not counted twice.
CREATE TABLE alert_offline_pcs (
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  PRIMARY KEY (alert_id, agent_id)
) WITHOUT ROWID;
