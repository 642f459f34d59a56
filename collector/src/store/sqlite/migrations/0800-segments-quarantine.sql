-- Quarantine and chain segments (issue 13, items 2 and 3).
-- A batch rejected for integrity reasons is kept here byte for byte: evidence of what the PC sent, never
-- projected into the query tables as genuine. Identical resends fold into one row (digest) with a count.
CREATE TABLE quarantined_batches (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  prev_hash BLOB NOT NULL,
  last_hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  code TEXT NOT NULL,
  finding_kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  digest BLOB NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  UNIQUE (agent_id, digest)
);
CREATE INDEX quarantined_batches_agent ON quarantined_batches (agent_id, first_seq);

-- The exact event bytes of a quarantined batch, in batch order.
CREATE TABLE quarantined_events (
  quarantine_id INTEGER NOT NULL REFERENCES quarantined_batches (id),
  position INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (quarantine_id, position)
);

-- Where an agent's chain does not continue hash by hash, and why: the first seq of the new segment, the hash it
-- is anchored on, and the cause (a quarantined batch, or a journal reset the agent declared).
CREATE TABLE chain_segments (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL,
  start_seq INTEGER NOT NULL,
  anchor_hash BLOB NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  quarantine_id INTEGER REFERENCES quarantined_batches (id),
  time_ms INTEGER NOT NULL
);
CREATE INDEX chain_segments_agent ON chain_segments (agent_id, start_seq);
