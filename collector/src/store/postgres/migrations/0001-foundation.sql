-- PostgreSQL store, foundation: the same data as SQLite's 0001…0850 evidence migrations (agents, tokens, evidence,
-- findings, quarantine, segments, seals, users, audit, policies, exceptions), in PostgreSQL types.
-- Migrations are numbered and only ever appended. `user` and `current_user` are reserved words here: *_name.
CREATE TABLE agents (
  id text PRIMARY KEY,
  pc text NOT NULL,
  hardware_id text NOT NULL,
  os text NOT NULL DEFAULT '',
  public_key bytea NOT NULL,
  unlock_key bytea NOT NULL,
  enrolled_ms bigint NOT NULL,
  previous_agent_id text,
  retired_ms bigint,
  last_seq bigint NOT NULL DEFAULT 0,
  last_hash bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000',
  last_seen_ms bigint,
  connected boolean NOT NULL DEFAULT false,
  agent_version text NOT NULL DEFAULT '',
  policy_version integer NOT NULL DEFAULT 0,
  current_user_name text NOT NULL DEFAULT '',
  sensors_json text NOT NULL DEFAULT '[]',
  journal_backlog bigint NOT NULL DEFAULT 0,
  clock_skew_ms bigint,
  clock_checked_ms bigint
);
CREATE INDEX agents_pc ON agents (pc);
CREATE INDEX agents_hardware ON agents (hardware_id);

CREATE TABLE enrollment_tokens (
  id text PRIMARY KEY,
  secret_hash bytea NOT NULL UNIQUE,
  created_ms bigint NOT NULL,
  expires_ms bigint NOT NULL,
  max_uses integer NOT NULL,
  uses integer NOT NULL DEFAULT 0,
  revoked_ms bigint,
  created_by text NOT NULL
);

CREATE TABLE batches (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  prev_hash bytea NOT NULL,
  last_hash bytea NOT NULL,
  signature bytea NOT NULL,
  received_ms bigint NOT NULL
);
CREATE INDEX batches_agent_seq ON batches (agent_id, last_seq);

-- The evidence: exact event bytes as hashed by the agent, with their chain hash. Partitioned by the month the
-- collector RECEIVED the event (its own clock: an agent's clock may say 1970 or 2099), so retention drops a month
-- as one partition. A unique constraint on a partitioned table must include the partition key, so (agent, seq)
-- is made idempotent by append_batch() under the agent's row lock instead (see 0002).
-- `tx` is the inserting transaction: the projector reads in (tx, id) order and only below the oldest running
-- transaction, so an id that commits late is never skipped (ids are taken before commit, commits land in any order).
CREATE SEQUENCE events_id_seq AS bigint;
CREATE TABLE events (
  id bigint NOT NULL DEFAULT nextval('events_id_seq'),
  agent_id text NOT NULL,
  seq bigint NOT NULL,
  pc text NOT NULL,
  time_ms bigint NOT NULL,
  received_ms bigint NOT NULL,
  kind text NOT NULL,
  user_name text NOT NULL,
  hash bytea NOT NULL,
  bytes bytea NOT NULL,
  seal_chain bigint,
  seal_epoch bigint,
  seal bytea,
  tx xid8 NOT NULL DEFAULT pg_current_xact_id()
) PARTITION BY RANGE (received_ms);
CREATE INDEX events_agent_seq ON events (agent_id, seq);
CREATE INDEX events_agent_time ON events (agent_id, time_ms);
CREATE INDEX events_projection ON events (tx, id);

CREATE TABLE integrity_findings (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL,
  pc text NOT NULL,
  time_ms bigint NOT NULL,
  kind text NOT NULL,
  detail text NOT NULL,
  count integer NOT NULL DEFAULT 1
);
CREATE INDEX integrity_agent ON integrity_findings (agent_id);
CREATE INDEX integrity_pc_time ON integrity_findings (pc, time_ms);

CREATE TABLE quarantined_batches (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL,
  pc text NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  prev_hash bytea NOT NULL,
  last_hash bytea NOT NULL,
  signature bytea NOT NULL,
  code text NOT NULL,
  finding_kind text NOT NULL,
  detail text NOT NULL,
  digest bytea NOT NULL,
  first_ms bigint NOT NULL,
  last_ms bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  UNIQUE (agent_id, digest)
);
CREATE INDEX quarantined_batches_agent ON quarantined_batches (agent_id, first_seq);

CREATE TABLE quarantined_events (
  quarantine_id bigint NOT NULL REFERENCES quarantined_batches (id),
  position integer NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (quarantine_id, position)
);

CREATE TABLE chain_segments (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL,
  start_seq bigint NOT NULL,
  anchor_hash bytea NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL,
  quarantine_id bigint REFERENCES quarantined_batches (id),
  time_ms bigint NOT NULL,
  anchor_json text
);
CREATE INDEX chain_segments_agent ON chain_segments (agent_id, start_seq);

CREATE TABLE seal_seeds (
  agent_id text NOT NULL,
  chain bigint NOT NULL,
  seed bytea NOT NULL,
  from_seq bigint NOT NULL,
  reason text NOT NULL DEFAULT '',
  received_ms bigint NOT NULL,
  PRIMARY KEY (agent_id, chain)
);

CREATE TABLE seal_closes (
  agent_id text NOT NULL,
  chain bigint NOT NULL,
  epoch bigint NOT NULL,
  last_seq bigint NOT NULL,
  last_hash bytea NOT NULL,
  mac bytea NOT NULL,
  received_ms bigint NOT NULL,
  PRIMARY KEY (agent_id, chain, epoch)
);

CREATE TABLE users (
  username text PRIMARY KEY,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  created_ms bigint NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false
);

-- Admin actions, hash-chained: hash = SHA-256(prev_hash ‖ entry JSON). Append-only, enforced by trigger.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  time_ms bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entry_json text NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE policy_versions (
  version serial PRIMARY KEY,
  created_ms bigint NOT NULL,
  created_by text NOT NULL,
  sources_json text NOT NULL,
  comment text NOT NULL DEFAULT ''
);

CREATE TABLE device_exceptions (
  row_id bigserial UNIQUE,
  id text PRIMARY KEY,
  pc text NOT NULL,
  serial text,
  mode text NOT NULL,
  until_ms bigint NOT NULL,
  reason text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_ms bigint NOT NULL,
  revoked_ms bigint
);
CREATE INDEX device_exceptions_pc ON device_exceptions (pc, until_ms);

-- How far the projector got, as a position in (tx, id) order. One row; locked by each projection pass, so two
-- collectors on one database never project the same events.
CREATE TABLE projection_cursor (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  tx xid8 NOT NULL,
  event_id bigint NOT NULL
);
INSERT INTO projection_cursor (tx, event_id) VALUES ('0', 0);
