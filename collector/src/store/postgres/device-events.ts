import type pg from 'pg';
import type { ProjectedEvent } from '../types.ts';

/** Fills device_events and file_copies for a projection pass, in the pass's transaction (as SQLite's deviceIndexers). */
export async function insertDeviceEvents(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  await insertFileCopies(client, events);
  const rows = events.filter((e) => e.event.device).map(({ stored, event }) => ({ stored, d: event.device! }));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await client.query(`INSERT INTO device_events (event_id, agent_id, pc, user_name, time_ms, action, vendor_id, product_id, serial, vendor, product,
      mount_point, filesystem, size_bytes, label, rule, message)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
      $11::text[], $12::text[], $13::text[], $14::bigint[], $15::text[], $16::text[], $17::text[])
    ON CONFLICT DO NOTHING`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.stored.user), column((r) => r.stored.timeMs),
    column((r) => String(r.d.action)), column((r) => r.d.device?.vendorId ?? ''), column((r) => r.d.device?.productId ?? ''),
    column((r) => r.d.device?.serial ?? ''), column((r) => r.d.device?.vendor ?? ''), column((r) => r.d.device?.product ?? ''),
    column((r) => r.d.mountPoint), column((r) => r.d.filesystem), column((r) => Number(r.d.sizeBytes) || 0), column((r) => r.d.label),
    column((r) => r.d.rule), column((r) => r.d.message),
  ]);
}

async function insertFileCopies(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const rows = events.filter((e) => e.event.fileCopy).map(({ stored, event }) => ({ stored, c: event.fileCopy! }));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await client.query(`INSERT INTO file_copies (event_id, agent_id, pc, user_name, time_ms, destination_path, destination_kind, destination_root,
      size_bytes, sha256, source_path, vendor_id, product_id, serial, operation)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[],
      $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
    ON CONFLICT DO NOTHING`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.stored.user), column((r) => r.stored.timeMs),
    column((r) => r.c.destinationPath), column((r) => r.c.destinationKind), column((r) => r.c.destinationRoot), column((r) => Number(r.c.sizeBytes) || 0),
    column((r) => r.c.sha256.toLowerCase()), column((r) => r.c.sourcePath), column((r) => r.c.device?.vendorId ?? ''),
    column((r) => r.c.device?.productId ?? ''), column((r) => r.c.device?.serial ?? ''), column((r) => r.c.operation),
  ]);
}
