-- Foundation: agents, enrollment tokens, evidence (events + signed batches), integrity findings, users, audit,
-- policy versions, device exceptions. Migrations are numbered and only ever appended.
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  pc TEXT NOT NULL,
  hardware_id TEXT NOT NULL,
  os TEXT NOT NULL DEFAULT '',
  public_key BLOB NOT NULL,
  unlock_key BLOB NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  previous_agent_id TEXT,
  retired_ms INTEGER,
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_hash BLOB NOT NULL DEFAULT (zeroblob(32)),
  last_seen_ms INTEGER,
  connected INTEGER NOT NULL DEFAULT 0,
  agent_version TEXT NOT NULL DEFAULT '',
  policy_version INTEGER NOT NULL DEFAULT 0,
  current_user TEXT NOT NULL DEFAULT '',
  sensors_json TEXT NOT NULL DEFAULT '[]',
  journal_backlog INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agents_pc ON agents (pc);
CREATE INDEX agents_hardware ON agents (hardware_id);

CREATE TABLE enrollment_tokens (
  id TEXT PRIMARY KEY,
  secret_hash BLOB NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_ms INTEGER,
  created_by TEXT NOT NULL
);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  prev_hash BLOB NOT NULL,
  last_hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  received_ms INTEGER NOT NULL
);
CREATE INDEX batches_agent_seq ON batches (agent_id, last_seq);

-- The evidence: exact event bytes as hashed by the agent, with their chain hash. Idempotent on (agent, seq).
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  pc TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  user TEXT NOT NULL,
  hash BLOB NOT NULL,
  bytes BLOB NOT NULL,
  UNIQUE (agent_id, seq)
);
CREATE INDEX events_pc_time ON events (pc, time_ms);
CREATE INDEX events_kind_time ON events (kind, time_ms);
CREATE INDEX events_time ON events (time_ms);

-- What the collector itself observed about an agent's evidence: forged signatures, chain breaks, gaps, re-enrolls.
CREATE TABLE integrity_findings (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX integrity_pc_time ON integrity_findings (pc, time_ms);

CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  created_ms INTEGER NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0
);

-- Admin actions, hash-chained like agent events: hash = SHA-256(prev_hash ‖ entry JSON).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entry_json TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE policy_versions (
  version INTEGER PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  sources_json TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT ''
);

CREATE TABLE device_exceptions (
  id TEXT PRIMARY KEY,
  pc TEXT NOT NULL,
  serial TEXT,
  mode TEXT NOT NULL,
  until_ms INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
CREATE INDEX device_exceptions_pc ON device_exceptions (pc, until_ms);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
