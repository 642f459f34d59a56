import type pg from 'pg';
import { uploadAccessOf, type AccessDecision, type AccessRequestRow, type AccessRequestsRepository } from '../../repositories/access-requests.ts';

interface Raw extends Omit<AccessRequestRow, 'device' | 'upload'> {
  vendorId: string; productId: string; serial: string; vendor: string; product: string;
  uploadHost: string; uploadDomain: string; uploadCategory: string; uploadFiles: string;
}

const columns = `id, agent_id AS "agentId", request_id AS "requestId", pc, user_name AS "user", time_ms AS "timeMs", subject, reason,
  blocked_rule AS "blockedRule", vendor_id AS "vendorId", product_id AS "productId", serial, vendor, product, status,
  decided_by AS "decidedBy", decided_ms AS "decidedMs", note, until_ms AS "untilMs", exception_id AS "exceptionId",
  sent_ms AS "sentMs", received_ms AS "receivedMs", upload_host AS "uploadHost", upload_domain AS "uploadDomain",
  upload_category AS "uploadCategory", upload_files AS "uploadFiles"`;

function shape(raw: Raw): AccessRequestRow {
  const { vendorId, productId, serial, vendor, product, uploadHost, uploadDomain, uploadCategory, uploadFiles, ...rest } = raw;
  return {
    ...rest, device: { vendorId, productId, serial, vendor, product },
    upload: uploadAccessOf({ subject: rest.subject, uploadHost, uploadDomain, uploadCategory, uploadFiles }),
  };
}

export class PostgresAccessRequestsRepository implements AccessRequestsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(filter: { status?: string; pc?: string; limit: number }): Promise<AccessRequestRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) { params.push(filter.status); where.push(`status = $${params.length}`); }
    if (filter.pc) { params.push(filter.pc); where.push(`pc = $${params.length}`); }
    params.push(filter.limit);
    return (await this.pool.query<Raw>(`SELECT ${columns} FROM access_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`, params)).rows.map(shape);
  }

  async get(id: number): Promise<AccessRequestRow | undefined> {
    const raw = (await this.pool.query<Raw>(`SELECT ${columns} FROM access_requests WHERE id = $1`, [id])).rows[0];
    return raw ? shape(raw) : undefined;
  }

  async decide(id: number, decision: AccessDecision): Promise<boolean> {
    const result = await this.pool.query(`UPDATE access_requests SET status = $1, decided_by = $2, decided_ms = $3, note = $4, until_ms = $5,
      exception_id = $6 WHERE id = $7 AND status = 'pending'`,
    [decision.status, decision.by, decision.atMs, decision.note, decision.untilMs, decision.exceptionId, id]);
    return result.rowCount === 1;
  }

  async undeliveredAnswers(options: { agentId?: string; neverSent?: boolean } = {}): Promise<AccessRequestRow[]> {
    const where = ["status <> 'pending'", 'received_ms IS NULL'];
    const params: unknown[] = [];
    if (options.agentId) { params.push(options.agentId); where.push(`agent_id = $${params.length}`); }
    if (options.neverSent) where.push('sent_ms IS NULL');
    return (await this.pool.query<Raw>(`SELECT ${columns} FROM access_requests WHERE ${where.join(' AND ')} ORDER BY id LIMIT 500`, params)).rows.map(shape);
  }

  async markAnswerSent(id: number, atMs: number): Promise<void> {
    await this.pool.query('UPDATE access_requests SET sent_ms = $1 WHERE id = $2', [atMs, id]);
  }
}
