-- Print jobs (print_job events), one row per job for search and per-user totals. The evidence stays in `events`;
-- a job an agent recorded twice (crash between journaling and remembering it) keeps its first row.
CREATE TABLE print_jobs (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  spooler TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  document_name TEXT NOT NULL,
  printer TEXT NOT NULL,
  job_user TEXT NOT NULL,
  pages INTEGER NOT NULL,
  copies INTEGER NOT NULL,
  sheets INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  submitted_ms INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  action TEXT NOT NULL,
  rule TEXT NOT NULL
);
CREATE UNIQUE INDEX print_jobs_identity ON print_jobs (agent_id, spooler, printer, job_id, submitted_ms);
CREATE INDEX print_jobs_time ON print_jobs (time_ms);
CREATE INDEX print_jobs_user_time ON print_jobs (job_user, time_ms);
CREATE INDEX print_jobs_pc_time ON print_jobs (pc, time_ms);
