import type { Severity } from '@mamori/policies';

/** The record streams a SIEM sink can carry besides events, each with its own cursor. */
export type SiemRecordStream = 'alerts' | 'audit';

/** An alert as the SIEM export sends it: once, when it was raised (later folds and resolutions are not resent). */
export interface SiemAlertRecord {
  id: number;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: Severity;
  pc: string;
  user: string;
  agentId: string;
  title: string;
  count: number;
  firstMs: number;
  createdMs: number;
}

/** One entry of the collector's audit chain (who did what, when, with its chain hash). */
export interface SiemAuditRecord {
  id: number;
  timeMs: number;
  actor: string;
  action: string;
  entryJson: string;
  hash: string;
}

/** Alerts and audit entries after a sink's cursors, and those cursors (for collector/src/siem/). */
export interface SiemRecordsRepository {
  /** The sink's cursor for a stream (last id delivered, how many delivered in all); undefined when it has none yet. */
  cursor(sink: string, stream: SiemRecordStream): Promise<{ lastId: number; exported: number } | undefined>;
  /** Moves a stream's cursor forward (never back) and adds to its delivered count. */
  advance(sink: string, stream: SiemRecordStream, lastId: number, exported: number, nowMs: number): Promise<void>;
  /** Alerts with an id above `afterId`, oldest first. */
  alertsAfter(afterId: number, limit: number): Promise<SiemAlertRecord[]>;
  /** Audit entries with an id above `afterId`, oldest first. */
  auditAfter(afterId: number, limit: number): Promise<SiemAuditRecord[]>;
  /** The newest id of a stream (0 when empty): where a sink that starts "at the end" begins. */
  lastId(stream: SiemRecordStream): Promise<number>;
}
