import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditRepository, AuditRow } from '../../repositories/audit.ts';

interface RawAudit {
  id: number; time_ms: number; actor: string; action: string; entry_json: string; prev_hash: Buffer; hash: Buffer;
}

function toRow(raw: RawAudit): AuditRow {
  return {
    id: raw.id, timeMs: raw.time_ms, actor: raw.actor, action: raw.action, entry: JSON.parse(raw.entry_json) as Record<string, unknown>,
    prevHash: raw.prev_hash.toString('hex'), hash: raw.hash.toString('hex'),
  };
}

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly db: Database.Database) {}

  async listPage(options: { beforeId?: number; actor?: string; action?: string; limit: number }): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.beforeId !== undefined) { where.push('id < ?'); params.push(options.beforeId); }
    if (options.actor) { where.push('actor = ?'); params.push(options.actor); }
    if (options.action) { where.push("action LIKE ? ESCAPE '\\'"); params.push(`${options.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`); }
    params.push(options.limit);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as RawAudit[]).map(toRow);
  }

  /**
   * hash = SHA-256(prev ‖ JSON of time, actor, action, entry): re-walked so an auditor sees whether anything was
   * altered beneath the append-only triggers (e.g. by editing the file directly).
   */
  async verifyChain(): Promise<{ entries: number; ok: boolean; firstBadId: number | null }> {
    let prev: Buffer = Buffer.alloc(32);
    let entries = 0;
    for (const raw of this.db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<RawAudit>) {
      entries += 1;
      const json = JSON.stringify({ timeMs: raw.time_ms, actor: raw.actor, action: raw.action, entry: JSON.parse(raw.entry_json) as unknown });
      const expected = createHash('sha256').update(prev).update(json).digest();
      if (!raw.prev_hash.equals(prev) || !raw.hash.equals(expected)) return { entries, ok: false, firstBadId: raw.id };
      prev = raw.hash;
    }
    return { entries, ok: true, firstBadId: null };
  }
}
