import type Database from 'better-sqlite3';
import type { UploadExceptionRow, UploadExceptionsRepository } from '../../repositories/upload-exceptions.ts';
import { signalChange } from '../change-signals.ts';

const columns = `id, pc, user_name AS user, category, domain, until_ms AS untilMs, reason, created_by AS createdBy,
  created_ms AS createdMs, revoked_ms AS revokedMs, revoked_by AS revokedBy`;

export class SqliteUploadExceptionsRepository implements UploadExceptionsRepository {
  constructor(private readonly db: Database.Database) {}

  async create(row: Omit<UploadExceptionRow, 'revokedMs' | 'revokedBy'>): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO upload_exceptions (id, pc, user_name, category, domain, until_ms, reason, created_by, created_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(row.id, row.pc, row.user, row.category, row.domain, row.untilMs, row.reason, row.createdBy, row.createdMs);
      this.db.prepare('INSERT INTO upload_exception_changes (pc) VALUES (?)').run(row.pc);
    })();
    // Committed: a running collector on this file (when the CLI wrote it) pushes now, not at its next poll.
    signalChange(this.db.name, 'uploadException');
  }

  async find(id: string): Promise<UploadExceptionRow | undefined> {
    return this.db.prepare(`SELECT ${columns} FROM upload_exceptions WHERE id = ?`).get(id) as UploadExceptionRow | undefined;
  }

  async active(pc: string, nowMs: number): Promise<UploadExceptionRow[]> {
    return this.db.prepare(`SELECT ${columns} FROM upload_exceptions WHERE pc = ? AND until_ms > ? AND revoked_ms IS NULL ORDER BY created_ms, id`)
      .all(pc, nowMs) as UploadExceptionRow[];
  }

  async activeAll(nowMs: number, limit: number): Promise<UploadExceptionRow[]> {
    return this.db.prepare(`SELECT ${columns} FROM upload_exceptions WHERE until_ms > ? AND revoked_ms IS NULL ORDER BY created_ms DESC, id LIMIT ?`)
      .all(nowMs, limit) as UploadExceptionRow[];
  }

  async revoke(id: string, actor: string, nowMs: number): Promise<UploadExceptionRow | undefined> {
    const revoked = this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE upload_exceptions SET revoked_ms = ?, revoked_by = ? WHERE id = ? AND revoked_ms IS NULL AND until_ms > ?')
        .run(nowMs, actor, id, nowMs);
      if (changed.changes === 0) return undefined;
      const row = this.db.prepare(`SELECT ${columns} FROM upload_exceptions WHERE id = ?`).get(id) as UploadExceptionRow;
      this.db.prepare('INSERT INTO upload_exception_changes (pc) VALUES (?)').run(row.pc);
      return row;
    })();
    if (revoked) signalChange(this.db.name, 'uploadException');
    return revoked;
  }

  async changesAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = this.db.prepare('SELECT seq, pc FROM upload_exception_changes WHERE seq > ? ORDER BY seq').all(cursor) as { seq: number; pc: string }[];
    return { cursor: rows.at(-1)?.seq ?? cursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }
}
