-- Attendance records (CSV import, collector/src/risk/attendance-csv.ts): a person's recorded working time per local
-- day. Off-hours for risk is judged against it where present (the site calendar otherwise). Imports add or replace
-- days; nothing is derived from it that a full recompute cannot rebuild.
CREATE TABLE risk_attendance (
  person TEXT NOT NULL,
  day INTEGER NOT NULL,
  start_minutes INTEGER NOT NULL,
  end_minutes INTEGER NOT NULL,
  imported_ms INTEGER NOT NULL,
  PRIMARY KEY (person, day)
) WITHOUT ROWID;

-- Whether an observation's off-hours came from the attendance record (explanations say which).
ALTER TABLE risk_observations ADD COLUMN by_attendance INTEGER NOT NULL DEFAULT 0;
