import type Database from 'better-sqlite3';
import { uploadAccessOf, type AccessRequestRow } from '../../repositories/access-requests.ts';

interface Raw extends Omit<AccessRequestRow, 'device' | 'upload'> {
  vendorId: string; productId: string; serial: string; vendor: string; product: string;
  uploadHost: string; uploadDomain: string; uploadCategory: string; uploadFiles: string;
}

const columns = `id, agent_id AS agentId, request_id AS requestId, pc, user, time_ms AS timeMs, subject, reason,
  blocked_rule AS blockedRule, vendor_id AS vendorId, product_id AS productId, serial, vendor, product, status,
  decided_by AS decidedBy, decided_ms AS decidedMs, note, until_ms AS untilMs, exception_id AS exceptionId,
  sent_ms AS sentMs, received_ms AS receivedMs, upload_host AS uploadHost, upload_domain AS uploadDomain,
  upload_category AS uploadCategory, upload_files AS uploadFiles`;

function shape(raw: Raw): AccessRequestRow {
  const { vendorId, productId, serial, vendor, product, uploadHost, uploadDomain, uploadCategory, uploadFiles, ...rest } = raw;
  return {
    ...rest, device: { vendorId, productId, serial, vendor, product },
    upload: uploadAccessOf({ subject: rest.subject, uploadHost, uploadDomain, uploadCategory, uploadFiles }),
  };
}

/** Newest first; optionally only one status or one PC. */
export function listAccessRequests(db: Database.Database, filter: { status?: string; pc?: string; limit: number }): AccessRequestRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) { where.push('status = ?'); params.push(filter.status); }
  if (filter.pc) { where.push('pc = ?'); params.push(filter.pc); }
  const sql = `SELECT ${columns} FROM access_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...params, filter.limit) as Raw[]).map(shape);
}

export function getAccessRequest(db: Database.Database, id: number): AccessRequestRow | undefined {
  const raw = db.prepare(`SELECT ${columns} FROM access_requests WHERE id = ?`).get(id) as Raw | undefined;
  return raw ? shape(raw) : undefined;
}

/** Records the decision once: false when the request was already decided (two admins clicking at once). */
export function decideAccessRequest(
  db: Database.Database, id: number,
  decision: { status: 'approved' | 'declined'; by: string; atMs: number; note: string; untilMs: number | null; exceptionId: string | null },
): boolean {
  const result = db.prepare(`UPDATE access_requests SET status = ?, decided_by = ?, decided_ms = ?, note = ?, until_ms = ?,
    exception_id = ? WHERE id = ? AND status = 'pending'`)
    .run(decision.status, decision.by, decision.atMs, decision.note, decision.untilMs, decision.exceptionId, id);
  return result.changes === 1;
}

/** Decided answers the PC has not confirmed yet; `neverSent` limits to those not sent down any stream. */
export function undeliveredAnswers(db: Database.Database, options: { agentId?: string; neverSent?: boolean } = {}): AccessRequestRow[] {
  const where = ["status <> 'pending'", 'received_ms IS NULL'];
  const params: unknown[] = [];
  if (options.agentId) { where.push('agent_id = ?'); params.push(options.agentId); }
  if (options.neverSent) where.push('sent_ms IS NULL');
  return (db.prepare(`SELECT ${columns} FROM access_requests WHERE ${where.join(' AND ')} ORDER BY id LIMIT 500`).all(...params) as Raw[]).map(shape);
}

export function markAnswerSent(db: Database.Database, id: number, atMs: number): void {
  db.prepare('UPDATE access_requests SET sent_ms = ? WHERE id = ?').run(atMs, id);
}
