import type pg from 'pg';
import type { DeviceEventRow, DeviceEventSearch, DevicesRepository, FileCopyRow, FileCopySearch, SeenDeviceRow } from '../../repositories/devices.ts';
import { containsPattern } from './transaction.ts';

const deviceColumns = `id, event_id AS "eventId", agent_id AS "agentId", pc, user_name AS "user", time_ms AS "timeMs", action, vendor_id AS "vendorId",
  product_id AS "productId", serial, vendor, product, mount_point AS "mountPoint", filesystem, size_bytes AS "sizeBytes", label, rule, message`;
const copyColumns = `id, event_id AS "eventId", agent_id AS "agentId", pc, user_name AS "user", time_ms AS "timeMs", destination_path AS "destinationPath",
  destination_kind AS "destinationKind", destination_root AS "destinationRoot", size_bytes AS "sizeBytes", sha256,
  source_path AS "sourcePath", vendor_id AS "vendorId", product_id AS "productId", serial, operation`;

const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), 1000);

/** Builds a WHERE with numbered parameters. */
function conditions() {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => { params.push(value); return `$${params.length}`; };
  const range = (search: { fromMs?: number; toMs?: number; beforeId?: number }) => {
    if (search.fromMs !== undefined) where.push(`time_ms >= ${p(search.fromMs)}`);
    if (search.toMs !== undefined) where.push(`time_ms < ${p(search.toMs)}`);
    if (search.beforeId !== undefined) where.push(`id < ${p(search.beforeId)}`);
  };
  const sql = () => (where.length ? `WHERE ${where.join(' AND ')}` : '');
  return { where, params, p, range, sql };
}

export class PostgresDevicesRepository implements DevicesRepository {
  constructor(private readonly pool: pg.Pool) {}

  async searchDeviceEvents(search: DeviceEventSearch): Promise<DeviceEventRow[]> {
    const c = conditions();
    for (const [value, column] of [[search.pc, 'pc'], [search.serial, 'serial'], [search.action, 'action']] as const) {
      if (value !== undefined) c.where.push(`${column} = ${c.p(value)}`);
    }
    if (search.model !== undefined) {
      const [vendorId, productId] = search.model.toLowerCase().split(':');
      c.where.push(`vendor_id = ${c.p(vendorId)}`);
      if (productId) c.where.push(`product_id = ${c.p(productId)}`);
    }
    c.range(search);
    return (await this.pool.query<DeviceEventRow>(`SELECT ${deviceColumns} FROM device_events ${c.sql()} ORDER BY id DESC LIMIT ${c.p(clampLimit(search.limit))}`,
      c.params)).rows;
  }

  async searchFileCopies(search: FileCopySearch): Promise<FileCopyRow[]> {
    const c = conditions();
    for (const word of (search.text ?? '').split(/\s+/).filter(Boolean)) {
      const pattern = c.p(containsPattern(word));
      c.where.push(`(destination_path ILIKE ${pattern} OR source_path ILIKE ${pattern})`);
    }
    const exact = [[search.pc, 'pc'], [search.user, 'user_name'], [search.serial, 'serial'], [search.sha256?.toLowerCase(), 'sha256'], [search.kind, 'destination_kind']] as const;
    for (const [value, column] of exact) if (value !== undefined) c.where.push(`${column} = ${c.p(value)}`);
    c.range(search);
    return (await this.pool.query<FileCopyRow>(`SELECT ${copyColumns} FROM file_copies ${c.sql()} ORDER BY id DESC LIMIT ${c.p(clampLimit(search.limit))}`,
      c.params)).rows;
  }

  async seenDevices(fromMs: number, toMs: number, limit = 500): Promise<SeenDeviceRow[]> {
    return (await this.pool.query<SeenDeviceRow>(`
      WITH seen AS (
        SELECT vendor_id, product_id, serial, MIN(time_ms) AS first_seen, MAX(time_ms) AS last_seen, COUNT(DISTINCT pc) AS pcs,
          COUNT(*) FILTER (WHERE action = 'BLOCKED') AS blocked, MAX(id) AS last_id
        FROM device_events WHERE time_ms >= $1 AND time_ms < $2 AND vendor_id <> '' GROUP BY vendor_id, product_id, serial
      )
      SELECT s.vendor_id AS "vendorId", s.product_id AS "productId", s.serial, last.vendor, last.product, s.first_seen AS "firstSeenMs",
        s.last_seen AS "lastSeenMs", s.pcs, last.pc AS "lastPc", decision.action AS "lastAction", decision.rule AS "lastRule", s.blocked,
        (SELECT COUNT(*) FROM file_copies c WHERE c.vendor_id = s.vendor_id AND c.product_id = s.product_id AND c.serial = s.serial
           AND c.time_ms >= $1 AND c.time_ms < $2) AS copies
      FROM seen s JOIN device_events last ON last.id = s.last_id
      LEFT JOIN LATERAL (SELECT d.action, d.rule FROM device_events d WHERE d.vendor_id = s.vendor_id AND d.product_id = s.product_id
        AND d.serial = s.serial AND d.action IN ('BLOCKED', 'ALLOWED', 'READ_ONLY') ORDER BY d.id DESC LIMIT 1) decision ON true
      ORDER BY s.last_seen DESC LIMIT $3`, [fromMs, toMs, Math.min(Math.max(limit, 1), 5000)])).rows;
  }
}
