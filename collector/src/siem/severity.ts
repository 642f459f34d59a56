import type { Event__Output } from '@mamori/proto';
import { severities, type SiemConfig, type Severity } from './config.ts';

/** True when the event records something policy stopped: a blocked device, mail or print job, a block decision. */
export function recordsABlock(event: Event__Output | undefined): boolean {
  if (!event) return false;
  if (event.device) return event.device.action === 'BLOCKED';
  if (event.mail) return event.mail.verdict === 'blocked';
  if (event.printJob) return event.printJob.action === 'cancelled' || event.printJob.action === 'held';
  if (event.policyDecision) return event.policyDecision.decision === 'block';
  return false;
}

export const severityRank = (severity: Severity): number => severities.indexOf(severity);

/** An event's severity for export: by kind from config, raised to `blocked_severity` when it records a block. */
export function eventSeverity(kind: string, event: Event__Output | undefined, config: Pick<SiemConfig, 'severities' | 'default_severity' | 'blocked_severity'>): Severity {
  const base = config.severities[kind] ?? config.default_severity;
  return recordsABlock(event) && severityRank(config.blocked_severity) > severityRank(base) ? config.blocked_severity : base;
}

/** RFC 5424 severity codes (0 emergency … 7 debug) for Mamori's five severities. */
export const syslogSeverityCode: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
