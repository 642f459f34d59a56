import type pg from 'pg';
import type { ProjectedEvent } from '../types.ts';
import { uploadColumns } from '../upload-access-columns.ts';

/**
 * Applies a projection pass's access_request events, in the pass's transaction (as SQLite's accessRequestIndexer):
 * REQUESTED adds a pending row (journaled twice: the first stays); OUTCOME_RECEIVED marks the answer delivered, which
 * stops re-sending. One INSERT and one UPDATE per pass, not one statement per event (a pass holds up to 1,000
 * events). Doing every insert before every update gives what applying them in order gives: an outcome only touches
 * a decided request, and a request inserted in this pass is still pending.
 */
export async function applyAccessRequestEvents(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const requested: { stored: ProjectedEvent['stored']; request: NonNullable<ProjectedEvent['event']['accessRequest']> }[] = [];
  // The first receipt of an answer is the one recorded (later ones find received_ms set).
  const received = new Map<string, { timeMs: number; agentId: string; requestId: string }>();
  for (const { stored, event } of events) {
    const request = event.accessRequest;
    if (!request || !request.requestId) continue;
    if (request.state === 'REQUESTED') requested.push({ stored, request });
    else if (request.state === 'OUTCOME_RECEIVED') {
      const key = JSON.stringify([stored.agentId, request.requestId]);
      if (!received.has(key)) received.set(key, { timeMs: stored.timeMs, agentId: stored.agentId, requestId: request.requestId });
    }
  }
  if (requested.length > 0) await insertRequests(client, requested);
  if (received.size > 0) {
    const rows = [...received.values()];
    await client.query(`UPDATE access_requests r SET received_ms = o.t
      FROM unnest($1::bigint[], $2::text[], $3::text[]) AS o (t, a, q)
      WHERE r.agent_id = o.a AND r.request_id = o.q AND r.status <> 'pending' AND r.received_ms IS NULL`,
    [rows.map((r) => r.timeMs), rows.map((r) => r.agentId), rows.map((r) => r.requestId)]);
  }
}

async function insertRequests(client: pg.PoolClient, rows: { stored: ProjectedEvent['stored']; request: NonNullable<ProjectedEvent['event']['accessRequest']> }[]): Promise<void> {
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  const uploads = rows.map((r) => uploadColumns(r.request.upload));
  // ORDER BY the array position: ids follow projection order, and of a request journaled twice the first stays.
  await client.query(`INSERT INTO access_requests (event_id, agent_id, request_id, pc, user_name, time_ms, subject, reason, blocked_rule,
      vendor_id, product_id, serial, vendor, product, upload_host, upload_domain, upload_category, upload_files)
    SELECT e, a, q, p, u, t, s, r, b, vi, pi, se, v, pr, uh, ud, uc, uf
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[],
      $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
      WITH ORDINALITY AS x (e, a, q, p, u, t, s, r, b, vi, pi, se, v, pr, uh, ud, uc, uf, n)
    ORDER BY n
    ON CONFLICT DO NOTHING`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.request.requestId.slice(0, 100)), column((r) => r.stored.pc),
    column((r) => r.stored.user), column((r) => r.stored.timeMs), column((r) => r.request.subject || 'device'), column((r) => r.request.reason.slice(0, 2000)),
    column((r) => r.request.blockedRule), column((r) => r.request.device?.vendorId ?? ''), column((r) => r.request.device?.productId ?? ''),
    column((r) => r.request.device?.serial ?? ''), column((r) => r.request.device?.vendor ?? ''), column((r) => r.request.device?.product ?? ''),
    uploads.map((u) => u.uploadHost), uploads.map((u) => u.uploadDomain), uploads.map((u) => u.uploadCategory), uploads.map((u) => u.uploadFiles),
  ]);
}
