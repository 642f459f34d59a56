-- Risk intelligence on PostgreSQL (SQLite: 1100-risk.sql, 1300-risk-attendance.sql). Everything here derives from
-- stored events (a full recompute rebuilds it) except risk_departing (HR import), risk_attendance (attendance
-- import), risk_reveals, risk_suppressions and risk_secret (the pseudonym key).

-- One row per stored event that feeds an indicator (event_id = -finding id for an integrity finding).
CREATE TABLE risk_observations (
  event_id bigint PRIMARY KEY,
  agent_id text NOT NULL,
  seq bigint NOT NULL,
  person text NOT NULL,
  pc text NOT NULL,
  time_ms bigint NOT NULL,
  day integer NOT NULL,
  off_hours boolean NOT NULL,
  non_working_day boolean NOT NULL,
  by_attendance boolean NOT NULL,
  vector text NOT NULL,
  volume double precision NOT NULL,
  category text NOT NULL,
  destinations text NOT NULL,
  content_severity text NOT NULL,
  signal text NOT NULL
);
-- Retention deletes an agent's observations with its evidence.
CREATE INDEX risk_observations_agent_seq ON risk_observations (agent_id, seq);

-- Scores per person and per PC per day (day = days since 1970-01-01 of the site's local date).
CREATE TABLE risk_person_days (
  person text NOT NULL,
  day integer NOT NULL,
  department text NOT NULL,
  raw double precision NOT NULL,
  score double precision NOT NULL,
  breakdown text NOT NULL,
  PRIMARY KEY (person, day)
);
CREATE INDEX risk_person_days_day ON risk_person_days (day);

-- breakdown '@person': the same breakdown as that person's row of the day (the one-user PC; see the repository).
CREATE TABLE risk_pc_days (
  pc text NOT NULL,
  day integer NOT NULL,
  raw double precision NOT NULL,
  score double precision NOT NULL,
  breakdown text NOT NULL,
  PRIMARY KEY (pc, day)
);

-- How far the scorer got, as a position in export_order (0124): ids are not commit-ordered here, positions are.
CREATE TABLE risk_cursor (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  position bigint NOT NULL
);

CREATE TABLE risk_departing (
  user_name text PRIMARY KEY,
  notice_day integer NOT NULL,
  last_day integer NOT NULL,
  imported_ms bigint NOT NULL
);

CREATE TABLE risk_secret (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  secret bytea NOT NULL
);

CREATE TABLE risk_reveals (
  person text PRIMARY KEY,
  revealed_by text NOT NULL,
  reason text NOT NULL,
  revealed_ms bigint NOT NULL
);

CREATE TABLE risk_suppressions (
  id bigserial PRIMARY KEY,
  person text NOT NULL,
  indicator text NOT NULL,
  until_day integer NOT NULL,
  reason text NOT NULL,
  created_by text NOT NULL,
  created_ms bigint NOT NULL
);

CREATE TABLE risk_attendance (
  person text NOT NULL,
  day integer NOT NULL,
  start_minutes integer NOT NULL,
  end_minutes integer NOT NULL,
  imported_ms bigint NOT NULL,
  PRIMARY KEY (person, day)
);
