import type pg from 'pg';
import type { StoredEvent } from '../types.ts';

/**
 * Gives a projection pass's events (all it read, payloads that do not decode too: SIEM exports their envelope)
 * their export positions, in the pass's (transaction, id) order and transaction (see migration 0124). Returns each
 * event id's position (an event given one by an earlier pass keeps it).
 */
export async function insertExportOrder(client: pg.PoolClient, rows: (StoredEvent & { tx: string })[]): Promise<Map<number, number>> {
  if (rows.length === 0) return new Map();
  const ids = rows.map((r) => r.id);
  // One round trip: the new positions come back from the insert; the second SELECT runs on the statement's snapshot,
  // taken before the insert, so it adds only the events an earlier pass already gave one (never a row twice).
  const { rows: positions } = await client.query<{ id: number; position: number }>(`WITH given AS (
      INSERT INTO export_order (event_id, tx, received_ms)
      SELECT e, t, r FROM unnest($1::bigint[], $2::xid8[], $3::bigint[]) WITH ORDINALITY AS x (e, t, r, n) ORDER BY n
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id, position)
    SELECT event_id AS id, position FROM given
    UNION ALL SELECT event_id AS id, position FROM export_order WHERE event_id = ANY($1::bigint[])`,
  [ids, rows.map((r) => r.tx), rows.map((r) => r.receivedMs)]);
  return new Map(positions.map((p) => [p.id, p.position]));
}
