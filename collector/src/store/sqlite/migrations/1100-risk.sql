-- Risk intelligence (collector/src/risk). Everything here derives from stored events (a full recompute rebuilds it)
-- except risk_departing (the HR import) and risk_secret (the pseudonym key).

-- One row per stored event that feeds an indicator: the facts the scorer needs, so a restart reloads its state
-- without decoding evidence again.
CREATE TABLE risk_observations (
  event_id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  person TEXT NOT NULL,
  pc TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  day INTEGER NOT NULL,
  off_hours INTEGER NOT NULL,
  non_working_day INTEGER NOT NULL,
  vector TEXT NOT NULL,
  volume REAL NOT NULL,
  category TEXT NOT NULL,
  destinations TEXT NOT NULL,
  content_severity TEXT NOT NULL,
  signal TEXT NOT NULL
);

-- Scores per person and per PC per day (day = days since 1970-01-01 of the site's local date).
CREATE TABLE risk_person_days (
  person TEXT NOT NULL,
  day INTEGER NOT NULL,
  department TEXT NOT NULL,
  raw REAL NOT NULL,
  score REAL NOT NULL,
  breakdown TEXT NOT NULL,
  PRIMARY KEY (person, day)
) WITHOUT ROWID;
CREATE INDEX risk_person_days_day ON risk_person_days (day);

CREATE TABLE risk_pc_days (
  pc TEXT NOT NULL,
  day INTEGER NOT NULL,
  raw REAL NOT NULL,
  score REAL NOT NULL,
  breakdown TEXT NOT NULL,
  PRIMARY KEY (pc, day)
) WITHOUT ROWID;

-- The last events.id the risk scorer took in (it catches up from here after a restart).
CREATE TABLE risk_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  event_id INTEGER NOT NULL
);

-- Departing employees from the HR CSV import (each import replaces the list).
CREATE TABLE risk_departing (
  user TEXT PRIMARY KEY,
  notice_day INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  imported_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- The key of the pseudonyms shown to operators (HMAC of the user name), made once.
CREATE TABLE risk_secret (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BLOB NOT NULL
);

-- People an admin or auditor revealed (with a reason, also in the audit chain): shown by name from then on.
CREATE TABLE risk_reveals (
  person TEXT PRIMARY KEY,
  revealed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  revealed_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- "Expected activity": an indicator suppressed for one person until a day (with a reason; also in the audit chain).
CREATE TABLE risk_suppressions (
  id INTEGER PRIMARY KEY,
  person TEXT NOT NULL,
  indicator TEXT NOT NULL,
  until_day INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
