-- The evidence-signing key of the collectors sharing this database (issue 14). An auditor pins one collector key and
-- verifies every export and segment anchor with it, whichever collector signed: a node with a key of its own would
-- sign exports (and anchors stored for every node to export) that fail against the pinned key. The first collector
-- to start records its key's fingerprint; one started with another `evidence-signing.key` refuses to start.
CREATE TABLE deployment_evidence_key (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  fingerprint text NOT NULL,
  recorded_ms bigint NOT NULL
);
