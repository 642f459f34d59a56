import type Database from 'better-sqlite3';
import { hashText, hashValue } from '../hash-column.ts';
import type { DeviceEventRow, DeviceEventSearch, FileCopyRow, FileCopySearch, SeenDeviceRow } from '../../repositories/devices.ts';

const deviceColumns = `id, event_id AS eventId, agent_id AS agentId, pc, user, time_ms AS timeMs, action, vendor_id AS vendorId,
  product_id AS productId, serial, vendor, product, mount_point AS mountPoint, filesystem, size_bytes AS sizeBytes, label, rule, message`;
const copyColumns = `id, event_id AS eventId, agent_id AS agentId, pc, user, time_ms AS timeMs, destination_path AS destinationPath,
  destination_kind AS destinationKind, destination_root AS destinationRoot, size_bytes AS sizeBytes, ${hashText('sha256')} AS sha256,
  source_path AS sourcePath, vendor_id AS vendorId, product_id AS productId, serial, operation`;

const likeLiteral = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), 1000);

function range(where: string[], params: unknown[], search: { fromMs?: number; toMs?: number; beforeId?: number }): void {
  if (search.fromMs !== undefined) { where.push('time_ms >= ?'); params.push(search.fromMs); }
  if (search.toMs !== undefined) { where.push('time_ms < ?'); params.push(search.toMs); }
  if (search.beforeId !== undefined) { where.push('id < ?'); params.push(search.beforeId); }
}

/** Device events, newest first. Every value is bound, never spliced into SQL. */
export function searchDeviceEvents(db: Database.Database, search: DeviceEventSearch): DeviceEventRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [value, column] of [[search.pc, 'pc'], [search.serial, 'serial'], [search.action, 'action']] as const) {
    if (value !== undefined) { where.push(`${column} = ?`); params.push(value); }
  }
  if (search.model !== undefined) {
    const [vendorId, productId] = search.model.toLowerCase().split(':');
    where.push('vendor_id = ?');
    params.push(vendorId);
    if (productId) { where.push('product_id = ?'); params.push(productId); }
  }
  range(where, params, search);
  const sql = `SELECT ${deviceColumns} FROM device_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return db.prepare(sql).all(...params, clampLimit(search.limit)) as DeviceEventRow[];
}

/** File copies to exits, newest first. */
export function searchFileCopies(db: Database.Database, search: FileCopySearch): FileCopyRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const word of (search.text ?? '').split(/\s+/).filter(Boolean)) {
    where.push("(destination_path LIKE ? ESCAPE '\\' OR source_path LIKE ? ESCAPE '\\')");
    params.push(likeLiteral(word), likeLiteral(word));
  }
  const exact = [[search.pc, 'pc'], [search.user, 'user'], [search.serial, 'serial'], [search.sha256 === undefined ? undefined : hashValue(search.sha256.toLowerCase()), 'sha256'], [search.kind, 'destination_kind']] as const;
  for (const [value, column] of exact) {
    if (value !== undefined) { where.push(`${column} = ?`); params.push(value); }
  }
  range(where, params, search);
  const sql = `SELECT ${copyColumns} FROM file_copies ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return db.prepare(sql).all(...params, clampLimit(search.limit)) as FileCopyRow[];
}

/**
 * Every storage device seen in [fromMs, toMs): one row per vendor:product:serial with where it was last seen,
 * the last decision on it, how often it was blocked and how many files were copied to it. Most recent first.
 */
export function seenDevices(db: Database.Database, fromMs: number, toMs: number, limit = 500): SeenDeviceRow[] {
  return db.prepare(`
    WITH seen AS (
      SELECT vendor_id, product_id, serial, MIN(time_ms) AS first_seen, MAX(time_ms) AS last_seen, COUNT(DISTINCT pc) AS pcs,
        SUM(action = 'BLOCKED') AS blocked, MAX(id) AS last_id
      FROM device_events WHERE time_ms >= ? AND time_ms < ? AND vendor_id <> '' GROUP BY vendor_id, product_id, serial
    )
    SELECT s.vendor_id AS vendorId, s.product_id AS productId, s.serial, last.vendor, last.product, s.first_seen AS firstSeenMs,
      s.last_seen AS lastSeenMs, s.pcs, last.pc AS lastPc,
      (SELECT d.action FROM device_events d WHERE d.vendor_id = s.vendor_id AND d.product_id = s.product_id AND d.serial = s.serial
         AND d.action IN ('BLOCKED', 'ALLOWED', 'READ_ONLY') ORDER BY d.id DESC LIMIT 1) AS lastAction,
      (SELECT d.rule FROM device_events d WHERE d.vendor_id = s.vendor_id AND d.product_id = s.product_id AND d.serial = s.serial
         AND d.action IN ('BLOCKED', 'ALLOWED', 'READ_ONLY') ORDER BY d.id DESC LIMIT 1) AS lastRule,
      s.blocked,
      (SELECT COUNT(*) FROM file_copies c WHERE c.vendor_id = s.vendor_id AND c.product_id = s.product_id AND c.serial = s.serial
         AND c.time_ms >= ? AND c.time_ms < ?) AS copies
    FROM seen s JOIN device_events last ON last.id = s.last_id
    ORDER BY s.last_seen DESC LIMIT ?`).all(fromMs, toMs, fromMs, toMs, Math.min(Math.max(limit, 1), 5000)) as SeenDeviceRow[];
}
