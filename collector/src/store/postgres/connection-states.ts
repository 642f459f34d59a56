import type pg from 'pg';
import { ConnectionFlagCoalescer } from '../coalesce-connection-flags.ts';

/**
 * Agents' connected flags on PostgreSQL: the coalescer's write is one UPDATE (one round trip, one commit and its WAL
 * flush) instead of one autocommitted UPDATE per agent: when 1,000 agents' streams ended within a second, their ~800
 * separate commits each waited for a WAL flush that also had to write the evidence groups' COPY data ahead of it.
 * The rows are locked in id order, as the group append locks them, so the two never deadlock.
 */
export function postgresConnectionStates(pool: pg.Pool): ConnectionFlagCoalescer {
  return new ConnectionFlagCoalescer(async (flags) => {
    await pool.query({
      name: 'connection-states-write',
      text: `WITH states AS (SELECT * FROM unnest($1::text[], $2::boolean[], $3::bigint[]) AS s(id, connected, time_ms)),
        locked AS (SELECT id FROM agents WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)
        UPDATE agents a SET connected = s.connected, last_seen_ms = s.time_ms
        FROM states s JOIN locked l ON l.id = s.id WHERE a.id = s.id`,
      values: [flags.map((f) => f.agentId), flags.map((f) => f.connected), flags.map((f) => f.timeMs)],
    });
  });
}
