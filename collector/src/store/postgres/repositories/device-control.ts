import type pg from 'pg';
import type {
  DeviceControlRepository, DeviceExceptionRow, DeviceSeenOnPcRow, ExceptionDecisionRow,
} from '../../repositories/device-control.ts';
import { inTransaction } from './transaction.ts';

const exceptionColumns = `id, pc, serial, mode, until_ms AS "untilMs", reason, created_by AS "createdBy", created_ms AS "createdMs",
  revoked_ms AS "revokedMs"`;

/** Exceptions and revocations in the shared tables, so a revoke on any collector reaches the PC wherever it is connected. */
export class PostgresDeviceControlRepository implements DeviceControlRepository {
  constructor(private readonly pool: pg.Pool) {}

  async findException(id: string): Promise<DeviceExceptionRow | undefined> {
    return (await this.pool.query<DeviceExceptionRow>(`SELECT ${exceptionColumns} FROM device_exceptions WHERE id = $1`, [id])).rows[0];
  }

  async revokeException(id: string, actor: string, nowMs: number): Promise<DeviceExceptionRow | undefined> {
    return inTransaction(this.pool, async (client) => {
      const row = (await client.query<DeviceExceptionRow>(`UPDATE device_exceptions SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL AND until_ms > $2
        RETURNING ${exceptionColumns}`, [id, nowMs])).rows[0];
      if (!row) return undefined;
      // Revocations commit in seq order (they are rare, human actions): otherwise a seq taken earlier could commit
      // after a later one a watcher already read past, and that PC's push would be missed.
      await client.query('LOCK TABLE device_exception_revocations IN EXCLUSIVE MODE');
      await client.query('INSERT INTO device_exception_revocations (exception_id, pc, revoked_ms, revoked_by) VALUES ($1, $2, $3, $4)', [id, row.pc, nowMs, actor]);
      return row;
    });
  }

  async revocationsAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = (await this.pool.query<{ seq: number; pc: string }>('SELECT seq, pc FROM device_exception_revocations WHERE seq > $1 ORDER BY seq', [cursor])).rows;
    return { cursor: rows.at(-1)?.seq ?? cursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }

  async exceptionDecisions(pc: string, sinceMs: number): Promise<ExceptionDecisionRow[]> {
    return (await this.pool.query<ExceptionDecisionRow>(`SELECT l.event_id AS "eventId", l.time_ms AS "timeMs", l.action, l.summary, e.bytes
      FROM log_entries l JOIN events e ON e.id = l.event_id
      WHERE l.pc = $1 AND l.time_ms >= $2 AND l.kind = 'policy_decision' AND l.action IN ('exception_applied', 'exception_revoked', 'exception_expired')
      ORDER BY l.time_ms, l.event_id`, [pc, sinceMs])).rows;
  }

  async devicesSeenOn(pc: string, limit: number): Promise<DeviceSeenOnPcRow[]> {
    // The newest sighting per device, with who was signed in then (SQLite's bare column under MAX() means the same).
    return (await this.pool.query<DeviceSeenOnPcRow>(`SELECT "vendorId", "productId", serial, vendor, product, "lastSeenMs", "lastUser" FROM (
        SELECT DISTINCT ON (vendor_id, product_id, serial) vendor_id AS "vendorId", product_id AS "productId", serial, vendor, product,
          time_ms AS "lastSeenMs", user_name AS "lastUser"
        FROM device_events WHERE pc = $1 AND serial <> '' AND action = 'ATTACHED'
        ORDER BY vendor_id, product_id, serial, time_ms DESC, event_id DESC) newest
      ORDER BY "lastSeenMs" DESC LIMIT $2`, [pc, limit])).rows;
  }

  async pcNames(): Promise<string[]> {
    return (await this.pool.query<{ pc: string }>('SELECT DISTINCT pc COLLATE "C" AS pc FROM agents ORDER BY pc')).rows.map((r) => r.pc);
  }
}
