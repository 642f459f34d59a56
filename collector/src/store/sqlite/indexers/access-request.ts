import { uploadColumns } from '../../upload-access-columns.ts';
import type { EventIndexer } from '../indexer.ts';

/**
 * Fills access_requests from access_request events: REQUESTED adds a pending row (a request the agent journaled
 * twice keeps its first row); OUTCOME_RECEIVED marks the answer as delivered to the PC, which stops re-sending.
 */
export const accessRequestIndexer: EventIndexer = {
  kind: 'access_request',
  prepare(db) {
    const insert = db.prepare(`INSERT INTO access_requests (event_id, agent_id, request_id, pc, user, time_ms, subject, reason,
      blocked_rule, vendor_id, product_id, serial, vendor, product, upload_host, upload_domain, upload_category, upload_files)
      VALUES (@eventId, @agentId, @requestId, @pc, @user, @timeMs, @subject, @reason, @blockedRule, @vendorId, @productId,
      @serial, @vendor, @product, @uploadHost, @uploadDomain, @uploadCategory, @uploadFiles)
      ON CONFLICT DO NOTHING`);
    const received = db.prepare(`UPDATE access_requests SET received_ms = ? WHERE agent_id = ? AND request_id = ?
      AND status <> 'pending' AND received_ms IS NULL`);
    return (ref, event) => {
      const request = event.accessRequest;
      if (!request || !request.requestId) return;
      if (request.state === 'REQUESTED') {
        const device = request.device;
        insert.run({
          eventId: ref.eventId, agentId: ref.agentId, requestId: request.requestId.slice(0, 100), pc: ref.pc, user: ref.user,
          timeMs: ref.timeMs, subject: request.subject || 'device', reason: request.reason.slice(0, 2000),
          blockedRule: request.blockedRule, vendorId: device?.vendorId ?? '', productId: device?.productId ?? '',
          serial: device?.serial ?? '', vendor: device?.vendor ?? '', product: device?.product ?? '',
          ...uploadColumns(request.upload),
        });
      } else if (request.state === 'OUTCOME_RECEIVED') {
        received.run(ref.timeMs, ref.agentId, request.requestId);
      }
    };
  },
};
