import type pg from 'pg';
import type { ProjectedEvent } from '../types.ts';

/** Fills uploads and extension_health for a projection pass, in the pass's transaction (as SQLite's uploadIndexers). */
export async function insertUploads(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  await upsertExtensionHealth(client, events);
  const rows = events.filter((e) => e.event.upload).map(({ stored, event }) => ({ stored, u: event.upload! }));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await client.query(`INSERT INTO uploads (event_id, agent_id, pc, seq, time_ms, user_name, file_name, size_bytes, sha256, destination_host,
      destination_url, page_url, category, method, browser, browser_profile, local_path)
    SELECT e, a, p, s, t, u, f, sz, h, dh, du, pu, c, m, b, bp, lp
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[],
      $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
      WITH ORDINALITY AS x (e, a, p, s, t, u, f, sz, h, dh, du, pu, c, m, b, bp, lp, n)
    ORDER BY n
    ON CONFLICT DO NOTHING`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.stored.seq), column((r) => r.stored.timeMs),
    column((r) => r.stored.user), column((r) => r.u.fileName), column((r) => Number(r.u.sizeBytes) || 0), column((r) => r.u.sha256),
    column((r) => r.u.destinationHost), column((r) => r.u.destinationUrl), column((r) => r.u.pageUrl), column((r) => r.u.category),
    column((r) => r.u.method), column((r) => r.u.browser), column((r) => r.u.browserProfile), column((r) => r.u.localPath),
  ]);
}

/**
 * Keeps the latest state per (agent, browser, profile): the higher seq wins. One INSERT … ON CONFLICT may not touch a
 * row twice, so a pass's own repeats are folded to their latest first.
 */
async function upsertExtensionHealth(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const latest = new Map<string, { stored: ProjectedEvent['stored']; h: NonNullable<ProjectedEvent['event']['extensionHealth']> }>();
  for (const { stored, event } of events) {
    const h = event.extensionHealth;
    if (!h) continue;
    const key = JSON.stringify([stored.agentId, h.browser, h.profile]);
    const seen = latest.get(key);
    if (!seen || stored.seq > seen.stored.seq) latest.set(key, { stored, h });
  }
  const rows = [...latest.values()];
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await client.query(`INSERT INTO extension_health (agent_id, pc, browser, profile, installed, alive, extension_version, last_seen_ms, changed_ms,
      event_id, seq)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[], $7::text[], $8::bigint[], $9::bigint[],
      $10::bigint[], $11::bigint[])
    ON CONFLICT (agent_id, browser, profile) DO UPDATE SET pc = excluded.pc, installed = excluded.installed, alive = excluded.alive,
      extension_version = excluded.extension_version, last_seen_ms = excluded.last_seen_ms, changed_ms = excluded.changed_ms,
      event_id = excluded.event_id, seq = excluded.seq
    WHERE excluded.seq > extension_health.seq`, [
    column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.h.browser), column((r) => r.h.profile), column((r) => r.h.installed),
    column((r) => r.h.alive), column((r) => r.h.extensionVersion), column((r) => Number(r.h.lastSeenMs) || 0), column((r) => r.stored.timeMs),
    column((r) => r.stored.id), column((r) => r.stored.seq),
  ]);
}
