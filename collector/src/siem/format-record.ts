import type { Event__Output } from '@mamori/proto';
import type { StoredEvent } from '../store/types.ts';
import { syslogFacilities, type SiemConfig, type SiemSinkConfig, type Severity } from './config.ts';
import { toEcsDocument } from './ecs-document.ts';
import { formatSyslog5424, octetCountedFrame, sdName } from './syslog-5424.ts';
import { syslogSeverityCode } from './severity.ts';

/**
 * One stored event in a sink's wire format. Syslog: RFC 5424 with the ECS document as MSG and the evidence
 * coordinates (agent, seq, chain hash, PC, user) as structured data, octet-counted. ECS JSON: one line.
 */
export function formatRecord(
  sink: Pick<SiemSinkConfig, 'format' | 'facility'>, siem: Pick<SiemConfig, 'enterprise_number'>,
  stored: StoredEvent, event: Event__Output | undefined, severity: Severity,
): Buffer {
  const document = JSON.stringify(toEcsDocument(stored, event, severity));
  if (sink.format === 'ecs_json') return Buffer.from(`${document}\n`, 'utf8');
  return octetCountedFrame(formatSyslog5424({
    facility: syslogFacilities[sink.facility], severity: syslogSeverityCode[severity], timeMs: stored.timeMs,
    hostname: stored.pc, appName: 'mamori', msgId: stored.kind || 'unknown',
    structuredData: [[`${sdName('mamori')}@${siem.enterprise_number}`, {
      event_id: `${stored.agentId}:${stored.seq}`, agent: stored.agentId, seq: String(stored.seq), pc: stored.pc, user: stored.user,
      hash: stored.hash.toString('hex'), severity,
    }]],
    message: document,
  }));
}
