import type pg from 'pg';
import { eventKind } from '@mamori/proto';
import { loggedKinds, summariseEvent } from '../sqlite/indexers/log-entry.ts';
import type { ProjectedEvent } from '../types.ts';

const logged = new Set<string>(loggedKinds);

/**
 * Fills log_entries for a projection pass's events, on the pass's connection and transaction, so the log commits
 * with the cursor (never twice, never skipped). One multi-row insert per pass. The summary is the same function
 * SQLite's indexer uses, so both stores show the same lines.
 */
export async function insertLogEntries(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const rows = events.flatMap(({ stored, event }) => {
    const kind = eventKind(event);
    if (!logged.has(kind)) return [];
    const line = summariseEvent(event);
    return line ? [{ stored, kind, line }] : [];
  });
  if (rows.length === 0) return;
  await client.query(`INSERT INTO log_entries (event_id, time_ms, pc, user_name, kind, action, summary, detail, size_bytes)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
    ON CONFLICT (event_id) DO NOTHING`, [
    rows.map((r) => r.stored.id), rows.map((r) => r.stored.timeMs), rows.map((r) => r.stored.pc), rows.map((r) => r.stored.user),
    rows.map((r) => r.kind), rows.map((r) => r.line.action), rows.map((r) => r.line.summary), rows.map((r) => r.line.detail),
    rows.map((r) => r.line.sizeBytes || 0),
  ]);
}
