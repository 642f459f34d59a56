-- Forward-secure sealing: each agent's seal chain seeds (only the collector keeps them), every event's seal, and
-- the agents' epoch-close records, all kept as evidence. An event with seal_chain NULL was stored unsealed (an
-- agent enrolled before sealing, or events journaled before its first chain began).
CREATE TABLE seal_seeds (
  agent_id TEXT NOT NULL,
  chain INTEGER NOT NULL,
  seed BLOB NOT NULL,
  from_seq INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  received_ms INTEGER NOT NULL,
  PRIMARY KEY (agent_id, chain)
);

ALTER TABLE events ADD COLUMN seal_chain INTEGER;
ALTER TABLE events ADD COLUMN seal_epoch INTEGER;
ALTER TABLE events ADD COLUMN seal BLOB;

CREATE TABLE seal_closes (
  agent_id TEXT NOT NULL,
  chain INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  last_hash BLOB NOT NULL,
  mac BLOB NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY (agent_id, chain, epoch)
) WITHOUT ROWID;
