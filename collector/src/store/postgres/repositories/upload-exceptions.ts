import type pg from 'pg';
import type { UploadExceptionRow, UploadExceptionsRepository } from '../../repositories/upload-exceptions.ts';
import { inTransaction } from './transaction.ts';

const columns = `id, pc, user_name AS "user", category, domain, until_ms AS "untilMs", reason, created_by AS "createdBy",
  created_ms AS "createdMs", revoked_ms AS "revokedMs", revoked_by AS "revokedBy"`;

/**
 * Upload exceptions shared by every collector on the database (migration 0290). Each grant and revocation writes a
 * change row in the same transaction; its trigger NOTIFYs at commit (change-listener.ts 'uploadException').
 */
export class PostgresUploadExceptionsRepository implements UploadExceptionsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(row: Omit<UploadExceptionRow, 'revokedMs' | 'revokedBy'>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`INSERT INTO upload_exceptions (id, pc, user_name, category, domain, until_ms, reason, created_by, created_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [row.id, row.pc, row.user, row.category, row.domain, row.untilMs, row.reason, row.createdBy, row.createdMs]);
      await insertChange(client, row.pc);
    });
  }

  async find(id: string): Promise<UploadExceptionRow | undefined> {
    return (await this.pool.query<UploadExceptionRow>(`SELECT ${columns} FROM upload_exceptions WHERE id = $1`, [id])).rows[0];
  }

  async active(pc: string, nowMs: number): Promise<UploadExceptionRow[]> {
    return (await this.pool.query<UploadExceptionRow>(`SELECT ${columns} FROM upload_exceptions
      WHERE pc = $1 AND until_ms > $2 AND revoked_ms IS NULL ORDER BY created_ms, id COLLATE "C"`, [pc, nowMs])).rows;
  }

  async activeAll(nowMs: number, limit: number): Promise<UploadExceptionRow[]> {
    return (await this.pool.query<UploadExceptionRow>(`SELECT ${columns} FROM upload_exceptions
      WHERE until_ms > $1 AND revoked_ms IS NULL ORDER BY created_ms DESC, id COLLATE "C" LIMIT $2`, [nowMs, limit])).rows;
  }

  async revoke(id: string, actor: string, nowMs: number): Promise<UploadExceptionRow | undefined> {
    return inTransaction(this.pool, async (client) => {
      // One statement checks and ends it: of two collectors revoking at once, only one sees the row change.
      const row = (await client.query<UploadExceptionRow>(`UPDATE upload_exceptions SET revoked_ms = $1, revoked_by = $2
        WHERE id = $3 AND revoked_ms IS NULL AND until_ms > $1 RETURNING ${columns}`, [nowMs, actor, id])).rows[0];
      if (row) await insertChange(client, row.pc);
      return row;
    });
  }

  async changesAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = (await this.pool.query<{ seq: number; pc: string }>('SELECT seq, pc FROM upload_exception_changes WHERE seq > $1 ORDER BY seq', [cursor])).rows;
    return { cursor: rows.at(-1)?.seq ?? cursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }
}

/**
 * Change rows commit in seq order (grants and revocations are rare, human actions), as device_exception_revocations
 * do: otherwise a seq taken earlier could commit after a later one that a pusher had already read past, and that PC's
 * push would wait for its next change or reconnect. The lock comes before the INSERT, so the seq is taken under it.
 */
async function insertChange(client: pg.PoolClient, pc: string): Promise<void> {
  await client.query('LOCK TABLE upload_exception_changes IN EXCLUSIVE MODE');
  await client.query('INSERT INTO upload_exception_changes (pc) VALUES ($1)', [pc]);
}
