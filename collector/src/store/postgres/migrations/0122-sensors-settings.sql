-- Sensor degradations and console-editable settings on PostgreSQL (SQLite: 1201, 1202), shared by every collector
-- on the database: a degradation is alerted once, and a setting changed on one console applies on all.
CREATE TABLE sensor_degradations (
  pc text NOT NULL,
  sensor text NOT NULL,
  state text NOT NULL,
  detail text NOT NULL,
  since_ms bigint NOT NULL,
  alerted_ms bigint,
  PRIMARY KEY (pc, sensor)
);

CREATE TABLE collector_settings (
  key text PRIMARY KEY,
  value_json text NOT NULL,
  updated_ms bigint NOT NULL,
  updated_by text NOT NULL
);
