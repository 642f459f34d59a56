-- Print jobs on PostgreSQL (SQLite: 0200-print-jobs.sql), filled by the projector. A job an agent recorded twice
-- keeps its first row (print_jobs_identity).
CREATE TABLE print_jobs (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  seq bigint NOT NULL,
  time_ms bigint NOT NULL,
  spooler text NOT NULL,
  job_id bigint NOT NULL,
  document_name text NOT NULL,
  printer text NOT NULL,
  job_user text NOT NULL,
  pages integer NOT NULL,
  copies integer NOT NULL,
  sheets integer NOT NULL,
  size_bytes bigint NOT NULL,
  submitted_ms bigint NOT NULL,
  completed_ms bigint NOT NULL,
  state text NOT NULL,
  action text NOT NULL,
  rule text NOT NULL
);
CREATE UNIQUE INDEX print_jobs_identity ON print_jobs (agent_id, spooler, printer, job_id, submitted_ms);
CREATE INDEX print_jobs_time ON print_jobs (time_ms);
CREATE INDEX print_jobs_user_time ON print_jobs (job_user, time_ms);
CREATE INDEX print_jobs_pc_time ON print_jobs (pc, time_ms);
