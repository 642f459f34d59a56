-- SIEM export on PostgreSQL (SQLite: 0900-siem-cursors.sql). A sink's cursor is a position in export_order, not an
-- event id: ids are taken before commit and commits land in any order, so an id cursor would skip an event that
-- commits below it. The projector gives each event its position in the pass that makes it final (it reads in
-- (transaction id, event id) order below the oldest running transaction, one pass at a time under the cursor row
-- lock): a position is visible only once every lower one is, so a cursor never passes an event still to come.
CREATE TABLE export_order (
  position bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  -- the event's (tx, received_ms) find its row through events_projection in its one partition
  tx xid8 NOT NULL,
  received_ms bigint NOT NULL
);

CREATE TABLE siem_cursors (
  sink text PRIMARY KEY,
  position bigint NOT NULL,
  exported bigint NOT NULL DEFAULT 0,
  updated_ms bigint NOT NULL
);
