import type Database from 'better-sqlite3';
import type {
  DeviceControlRepository, DeviceExceptionRow, DeviceSeenOnPcRow, ExceptionDecisionRow,
} from '../../repositories/device-control.ts';

const exceptionColumns = `id, pc, serial, mode, until_ms AS untilMs, reason, created_by AS createdBy, created_ms AS createdMs,
  revoked_ms AS revokedMs`;

export class SqliteDeviceControlRepository implements DeviceControlRepository {
  constructor(private readonly db: Database.Database) {}

  async findException(id: string): Promise<DeviceExceptionRow | undefined> {
    return this.db.prepare(`SELECT ${exceptionColumns} FROM device_exceptions WHERE id = ?`).get(id) as DeviceExceptionRow | undefined;
  }

  async revokeException(id: string, actor: string, nowMs: number): Promise<DeviceExceptionRow | undefined> {
    return this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE device_exceptions SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL AND until_ms > ?').run(nowMs, id, nowMs);
      if (changed.changes === 0) return undefined;
      const row = this.db.prepare(`SELECT ${exceptionColumns} FROM device_exceptions WHERE id = ?`).get(id) as DeviceExceptionRow;
      this.db.prepare('INSERT INTO device_exception_revocations (exception_id, pc, revoked_ms, revoked_by) VALUES (?, ?, ?, ?)').run(id, row.pc, nowMs, actor);
      return row;
    })();
  }

  async revocationsAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = this.db.prepare('SELECT seq, pc FROM device_exception_revocations WHERE seq > ? ORDER BY seq').all(cursor) as { seq: number; pc: string }[];
    return { cursor: rows.at(-1)?.seq ?? cursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }

  async exceptionDecisions(pc: string, sinceMs: number): Promise<ExceptionDecisionRow[]> {
    return this.db.prepare(`SELECT l.event_id AS eventId, l.time_ms AS timeMs, l.action, l.summary, e.bytes
      FROM log_entries l INDEXED BY log_entries_pc_time JOIN events e ON e.id = l.event_id
      WHERE l.pc = ? AND l.time_ms >= ? AND l.kind = 'policy_decision'
        AND l.action IN ('exception_applied', 'exception_revoked', 'exception_expired')
      ORDER BY l.time_ms, l.event_id`).all(pc, sinceMs) as ExceptionDecisionRow[];
  }

  async devicesSeenOn(pc: string, limit: number): Promise<DeviceSeenOnPcRow[]> {
    return this.db.prepare(`SELECT vendor_id AS vendorId, product_id AS productId, serial, vendor, product, MAX(time_ms) AS lastSeenMs,
        user AS lastUser
      FROM device_events WHERE pc = ? AND serial <> '' AND action = 'ATTACHED'
      GROUP BY vendor_id, product_id, serial ORDER BY lastSeenMs DESC LIMIT ?`).all(pc, limit) as DeviceSeenOnPcRow[];
  }

  async pcNames(): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT pc FROM agents ORDER BY pc').all() as { pc: string }[]).map((r) => r.pc);
  }
}
