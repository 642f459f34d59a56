import type pg from 'pg';
import type { ProjectedEvent } from '../types.ts';
import { uploadColumns } from '../upload-access-columns.ts';

/**
 * Applies a projection pass's access_request events in order, in the pass's transaction (as SQLite's
 * accessRequestIndexer): REQUESTED adds a pending row (journaled twice: the first stays); OUTCOME_RECEIVED marks
 * the answer delivered, which stops re-sending. They are rare, so one statement each.
 */
export async function applyAccessRequestEvents(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  for (const { stored, event } of events) {
    const request = event.accessRequest;
    if (!request || !request.requestId) continue;
    if (request.state === 'REQUESTED') {
      const device = request.device;
      const upload = uploadColumns(request.upload);
      await client.query(`INSERT INTO access_requests (event_id, agent_id, request_id, pc, user_name, time_ms, subject, reason, blocked_rule,
          vendor_id, product_id, serial, vendor, product, upload_host, upload_domain, upload_category, upload_files)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING`, [
        stored.id, stored.agentId, request.requestId.slice(0, 100), stored.pc, stored.user, stored.timeMs, request.subject || 'device',
        request.reason.slice(0, 2000), request.blockedRule, device?.vendorId ?? '', device?.productId ?? '', device?.serial ?? '',
        device?.vendor ?? '', device?.product ?? '', upload.uploadHost, upload.uploadDomain, upload.uploadCategory, upload.uploadFiles,
      ]);
    } else if (request.state === 'OUTCOME_RECEIVED') {
      await client.query(`UPDATE access_requests SET received_ms = $1 WHERE agent_id = $2 AND request_id = $3
        AND status <> 'pending' AND received_ms IS NULL`, [stored.timeMs, stored.agentId, request.requestId]);
    }
  }
}
