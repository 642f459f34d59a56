import type { Event__Output } from '@mamori/proto';
import { summariseEvent } from '../store/sqlite/indexers/log-entry.ts';
import type { StoredEvent } from '../store/types.ts';
import { syslogFacilities, type SiemConfig, type SiemSinkConfig, type Severity } from './config.ts';
import { toEcsDocument } from './ecs-document.ts';
import { formatSyslog5424, octetCountedText } from './syslog-5424.ts';
import { recordsABlock, syslogSeverityCode } from './severity.ts';

/** The line a person reads: what happened, to what, where (the console's log line). */
function summaryOf(stored: StoredEvent, event: Event__Output | undefined): { action: string; text: string } {
  const line = event ? summariseEvent(event) : undefined;
  if (line) return { action: line.action, text: [line.action, line.summary, line.detail].filter(Boolean).join(' · ') };
  const record = event?.importedRecord;
  if (record) return { action: record.action, text: [record.action, record.target, record.source].filter(Boolean).join(' · ') };
  return { action: '', text: `${stored.kind || 'unknown'} event` };
}

/**
 * One stored event in a sink's wire format.
 * - syslog: RFC 5424, octet-counted (RFC 6587). MSGID is the event kind, MSG the log line a person reads, and the
 *   structured data element `mamori@<enterprise number>` carries the evidence coordinates and the fields a SIEM
 *   filters on: event_id ("agent:seq", stable across re-sends), agent, seq, pc, user, action, outcome, severity,
 *   hash (the event's chain hash). Syslog keeps to key=value pairs: the full document is what ecs_json is for.
 * - ecs_json: the Elastic Common Schema document, one per line.
 * Returned as text (syslog framed); formatPage uses recordText and frames while it encodes.
 */
export function formatRecord(
  sink: Pick<SiemSinkConfig, 'format' | 'facility'>, siem: Pick<SiemConfig, 'enterprise_number'>,
  stored: StoredEvent, event: Event__Output | undefined, severity: Severity,
): string {
  const text = recordText(sink, siem, stored, event, severity);
  return sink.format === 'ecs_json' ? text : octetCountedText(text);
}

/** The record without syslog's octet-count prefix (which needs the UTF-8 length: see formatPage). */
export function recordText(
  sink: Pick<SiemSinkConfig, 'format' | 'facility'>, siem: Pick<SiemConfig, 'enterprise_number'>,
  stored: StoredEvent, event: Event__Output | undefined, severity: Severity,
): string {
  if (sink.format === 'ecs_json') return `${JSON.stringify(toEcsDocument(stored, event, severity))}\n`;
  const summary = summaryOf(stored, event);
  return formatSyslog5424({
    facility: syslogFacilities[sink.facility], severity: syslogSeverityCode[severity], timeMs: stored.timeMs,
    hostname: stored.pc, appName: 'mamori', msgId: stored.kind || 'unknown',
    structuredData: [[`mamori@${siem.enterprise_number}`, {
      event_id: `${stored.agentId}:${stored.seq}`, agent: stored.agentId, seq: String(stored.seq), pc: stored.pc, user: stored.user,
      action: summary.action, outcome: recordsABlock(event) ? 'blocked' : 'done', severity, hash: stored.hash.toString('hex'),
    }]],
    message: summary.text,
  });
}
