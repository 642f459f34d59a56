-- Sensors an agent reports as not running (degraded / unsupported), with when that began, so a sensor that stays
-- degraded past a threshold raises one alert (alerted_ms) and the console can say "degraded for 3 h".
CREATE TABLE sensor_degradations (
  pc TEXT NOT NULL,
  sensor TEXT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  alerted_ms INTEGER,
  PRIMARY KEY (pc, sensor)
) WITHOUT ROWID;
