import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AuditRepository, AuditRow } from '../../repositories/audit.ts';
import { containsPattern } from './transaction.ts';

interface RawAudit {
  id: number; time_ms: number; actor: string; action: string; entry_json: string; prev_hash: Buffer; hash: Buffer;
}

function toRow(raw: RawAudit): AuditRow {
  return {
    id: raw.id, timeMs: raw.time_ms, actor: raw.actor, action: raw.action, entry: JSON.parse(raw.entry_json) as Record<string, unknown>,
    prevHash: raw.prev_hash.toString('hex'), hash: raw.hash.toString('hex'),
  };
}

/** Entries re-walked per query when verifying: memory stays at one page however long the chain. */
const verifyPage = 1_000;

export class PostgresAuditRepository implements AuditRepository {
  constructor(private readonly pool: pg.Pool) {}

  async listPage(options: { beforeId?: number; actor?: string; action?: string; limit: number }): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.beforeId !== undefined) { params.push(options.beforeId); where.push(`id < $${params.length}`); }
    if (options.actor) { params.push(options.actor); where.push(`actor = $${params.length}`); }
    // A prefix: containsPattern's leading % dropped.
    if (options.action) { params.push(containsPattern(options.action).slice(1)); where.push(`action LIKE $${params.length}`); }
    params.push(options.limit);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
    return (await this.pool.query<RawAudit>(sql, params)).rows.map(toRow);
  }

  /** hash = SHA-256(prev ‖ JSON of time, actor, action, entry), re-walked in id order a page at a time. */
  async verifyChain(): Promise<{ entries: number; ok: boolean; firstBadId: number | null }> {
    let prev: Buffer = Buffer.alloc(32);
    let entries = 0;
    let afterId = 0;
    for (;;) {
      const { rows } = await this.pool.query<RawAudit>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [afterId, verifyPage]);
      for (const raw of rows) {
        entries += 1;
        const json = JSON.stringify({ timeMs: raw.time_ms, actor: raw.actor, action: raw.action, entry: JSON.parse(raw.entry_json) as unknown });
        const expected = createHash('sha256').update(prev).update(json).digest();
        if (!raw.prev_hash.equals(prev) || !raw.hash.equals(expected)) return { entries, ok: false, firstBadId: raw.id };
        prev = raw.hash;
        afterId = raw.id;
      }
      if (rows.length < verifyPage) return { entries, ok: true, firstBadId: null };
    }
  }
}
