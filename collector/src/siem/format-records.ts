import { hostname } from 'node:os';
import type { Ecs } from '@elastic/ecs';
import type { SiemAlertRecord, SiemAuditRecord } from '../store/repositories/siem-records.ts';
import { syslogFacilities, type SiemConfig, type SiemSinkConfig } from './config.ts';
import { ECS_VERSION } from './ecs-fields.ts';
import { formatSyslog5424 } from './syslog-5424.ts';
import { syslogSeverityCode } from './severity.ts';

// Alerts and audit entries in a sink's wire format, beside events (format-record.ts). Their ids are
// "alert:<id>" and "audit:<id>" (events: "agent:seq"), so a SIEM tells the three apart and drops a repeat.

type Sink = Pick<SiemSinkConfig, 'format' | 'facility'>;
type Siem = Pick<SiemConfig, 'enterprise_number'>;

const collectorHost = hostname();
const iso = (ms: number) => new Date(ms).toISOString();

/** An alert as raised: MSGID "alert", the alert's title as MSG; ECS event.kind "alert". Without syslog's frame. */
export function alertRecordText(sink: Sink, siem: Siem, alert: SiemAlertRecord): string {
  const id = `alert:${alert.id}`;
  if (sink.format === 'ecs_json') {
    const doc: Ecs = {
      '@timestamp': iso(alert.firstMs), ecs: { version: ECS_VERSION }, message: alert.title,
      event: {
        id, kind: 'alert', category: ['intrusion_detection'], type: ['info'], action: alert.ruleId, module: 'mamori', dataset: 'mamori.alert',
        severity: syslogSeverityCode[alert.severity], ingested: iso(alert.createdMs),
      },
      log: { level: alert.severity },
      rule: { id: alert.ruleId, name: alert.ruleName },
      ...(alert.pc ? { host: { name: alert.pc, hostname: alert.pc } } : {}),
      ...(alert.user ? { user: { name: alert.user } } : {}),
      ...(alert.agentId ? { agent: { id: alert.agentId, type: 'mamori', name: alert.pc } } : {}),
      labels: { mamori_record: 'alert', mamori_alert_kind: alert.kind, mamori_severity: alert.severity, alert_count: String(alert.count) },
    };
    return `${JSON.stringify(doc)}\n`;
  }
  return formatSyslog5424({
    facility: syslogFacilities[sink.facility], severity: syslogSeverityCode[alert.severity], timeMs: alert.firstMs,
    hostname: alert.pc, appName: 'mamori', msgId: 'alert',
    structuredData: [[`mamori@${siem.enterprise_number}`, {
      event_id: id, record: 'alert', alert_id: String(alert.id), rule: alert.ruleId, rule_name: alert.ruleName, kind: alert.kind,
      pc: alert.pc, user: alert.user, agent: alert.agentId, count: String(alert.count), severity: alert.severity,
    }]],
    message: alert.title,
  });
}

/**
 * An entry of the collector's audit chain: MSGID "audit", "<actor> <action>" as MSG, the entry's JSON and chain hash
 * in structured data (ECS: event.category configuration, type admin). HOSTNAME is the collector's host.
 */
export function auditRecordText(sink: Sink, siem: Siem, entry: SiemAuditRecord): string {
  const id = `audit:${entry.id}`;
  if (sink.format === 'ecs_json') {
    const doc: Ecs = {
      '@timestamp': iso(entry.timeMs), ecs: { version: ECS_VERSION }, message: `${entry.actor} ${entry.action}`,
      event: {
        id, kind: 'event', category: ['configuration'], type: ['admin'], action: entry.action, module: 'mamori', dataset: 'mamori.audit',
        severity: syslogSeverityCode.info, hash: entry.hash,
      },
      log: { level: 'info' },
      host: { name: collectorHost, hostname: collectorHost },
      user: { name: entry.actor },
      related: { user: [entry.actor] },
      labels: { mamori_record: 'audit', audit_entry: entry.entryJson },
    };
    return `${JSON.stringify(doc)}\n`;
  }
  return formatSyslog5424({
    facility: syslogFacilities[sink.facility], severity: syslogSeverityCode.info, timeMs: entry.timeMs,
    hostname: collectorHost, appName: 'mamori', msgId: 'audit',
    structuredData: [[`mamori@${siem.enterprise_number}`, {
      event_id: id, record: 'audit', audit_id: String(entry.id), actor: entry.actor, action: entry.action, hash: entry.hash, entry: entry.entryJson,
    }]],
    message: `${entry.actor} ${entry.action}`,
  });
}
