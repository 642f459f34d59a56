import type { Message } from '../../i18n/messages.ts';
import type { Severity } from '@mamori/policies';
import type { NotifyTransaction } from './notify.ts';

/** What a rule produced: one alert, or more occurrences of an alert that folds into an existing one. */
export interface AlertCandidate {
  ruleId: string;
  ruleName: string;
  /** Event kind (file_copy, mail …), agent_offline, or an integrity finding's kind (chain_break …). */
  kind: string;
  severity: Severity;
  color: string;
  pc: string;
  user: string;
  agentId: string;
  title: string;
  /** The same title as data (key + parameters), rendered in each reader's language; absent: `title` in every language. */
  titleMessage?: Message;
  firstMs: number;
  lastMs: number;
  /** Occurrences this candidate adds to the alert. */
  count: number;
  /** Stored events behind it (empty for offline and integrity findings). */
  eventIds: number[];
  /** Same rule + PC + user within this time folds into one alert. */
  foldWindowMs: number;
  /**
   * Folds into the newest alert of the same rule + PC + user that is still `new`, whatever its age, and never into
   * an acknowledged or resolved one (integrity findings); otherwise folding follows `foldWindowMs`.
   */
  foldWhileNew?: boolean;
  /** Narrows folding beyond rule + PC + user: offline alerts fold per site and working day ("tokyo 2026-03-03"). */
  foldGroup?: string;
  /**
   * Which of PC and user identify the alert it folds into (a threshold rule's `per`); absent: both. A rule counted
   * per user folds one person's burst over several PCs into one alert, whichever PC's event crossed the threshold.
   */
  foldBy?: ('pc' | 'user')[];
  /** PCs behind an offline alert; the alert's count is the number of distinct PCs listed. */
  offlinePcs?: OfflinePc[];
}

/** A PC in an "N PCs offline" alert. */
export interface OfflinePc {
  agentId: string;
  pc: string;
  /** Wall time its outage began. */
  sinceMs: number;
}

export type AlertStatus = 'new' | 'acknowledged' | 'resolved';
export type AlertResolution = 'true_positive' | 'false_positive';

/** An alert as the API returns it (see the alerts HTTP contract shared with the console). */
export interface Alert {
  id: number;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: Severity;
  color: string;
  status: AlertStatus;
  resolution: AlertResolution | null;
  pc: string;
  user: string;
  /** English title (search, exports); readers see `titleMessage` rendered in their language where there is one. */
  title: string;
  /** The title as a stored message (JSON text of key + parameters); null for alerts stored before titles were data. */
  titleMessage?: string | null;
  count: number;
  firstMs: number;
  lastMs: number;
  acknowledgedBy: string | null;
  acknowledgedMs: number | null;
  resolvedBy: string | null;
  resolvedMs: number | null;
  note: string;
  /** The PC's department and site from the directory import ('' when the directory does not name the PC). */
  department: string;
  site: string;
}

export interface AlertFilter {
  severity?: Severity[];
  /** Exact kind (the console offers the kinds present as a choice list). */
  kind?: string;
  /** Part of the PC name, any case ("acct" finds PC-ACCT-07). */
  pc?: string;
  /** Part of the user name, any case. */
  user?: string;
  /** Exact department / site of the alert's PC in the directory import. */
  department?: string;
  site?: string;
  status?: AlertStatus[];
  fromMs?: number;
  toMs?: number;
  /** Only alerts with a smaller id (kept for callers that walk every alert by id). */
  beforeId?: number;
  /** Rows to skip (page × page size). */
  offset?: number;
  limit: number;
}

export interface AlertEventRow {
  id: number;
  agentId: string;
  seq: number;
  timeMs: number;
  receivedMs: number;
  kind: string;
  pc: string;
  user: string;
  bytes: Buffer;
}

export interface AlertFindingRow {
  agentId: string;
  timeMs: number;
  kind: string;
  detail: string;
  count: number;
}

export type LifecycleResult = { ok: true; alert: Alert } | { ok: false; reason: 'not_found' | 'wrong_state'; alert?: Alert };

export interface AlertSummary {
  today: Record<string, number>;
  byDay: { day: string; severity: string; count: number }[];
  topPcs: { pc: string; count: number }[];
  topUsers: { user: string; count: number }[];
}
/** Open (not resolved) alerts of one department, per severity: the dashboard's "by department" panel. */
export interface DepartmentAlertCounts {
  department: string;
  bySeverity: Record<string, number>;
  total: number;
}
export type BulkAction = { action: 'acknowledge' } | { action: 'resolve'; resolution: AlertResolution };

export interface BulkTarget {
  /** These alerts… */
  ids?: number[];
  /** …or every alert matching this filter (still in a state the action applies to). */
  filter?: Omit<AlertFilter, 'limit' | 'offset'>;
}

export type BulkResult =
  | { ok: true; changed: Alert[]; skipped: number[] }
  | { ok: false; reason: 'too_many'; matching: number };

/** Alerts one bulk action may change: enough for a day's flood, small enough for one audit entry listing them. */
export const maxBulkAlerts = 5_000;

/** Events linked per alert; the count keeps going beyond it (the events table still has them all). */
export const maxLinkedEvents = 1_000;

/** What recording one candidate did. */
export interface RecordedAlert {
  alert: Alert;
  /** A new alert was opened (not folded into one). */
  created: boolean;
  /** Set when folding raised the alert's severity: the severity it had before. */
  escalatedFrom?: Severity;
}

/** Alerts: folding rule candidates into stored alerts, their lifecycle, and the queries behind the console. */
export interface AlertsRepository {
  /**
   * Records candidates in one transaction: each folds into the open alert of the same rule + PC + user within its
   * fold window (or opens one), offline PCs are added (count = distinct PCs), and `onRecorded` runs for each inside
   * the same transaction so the mails it queues through `tx` commit with the alert. Returns the alerts in order.
   */
  record(candidates: AlertCandidate[], nowMs: number, onRecorded?: (recorded: RecordedAlert, tx: NotifyTransaction) => void): Promise<Alert[]>;
  /** One alert by id. */
  get(id: number): Promise<Alert | undefined>;
  /** A page of alerts matching a filter, newest first by event time. */
  list(filter: AlertFilter): Promise<Alert[]>;
  /** How many alerts match a filter (for the list's pages). */
  count(filter: Omit<AlertFilter, 'limit' | 'offset'>): Promise<number>;
  /** The kinds of alert present, for the console's choice list. */
  kinds(): Promise<string[]>;
  /** The stored events behind an alert, oldest first. */
  events(alertId: number, limit?: number): Promise<AlertEventRow[]>;
  /** The integrity findings behind an integrity alert: that kind on that PC within the alert's time span, oldest first. */
  findings(alert: Pick<Alert, 'pc' | 'kind' | 'firstMs' | 'lastMs'>, limit?: number): Promise<AlertFindingRow[]>;
  /** new → acknowledged, with who, when and an optional note. */
  acknowledge(id: number, by: string, nowMs: number, note?: string): Promise<LifecycleResult>;
  /** new/acknowledged → resolved as a true or false positive. */
  resolve(id: number, resolution: AlertResolution, by: string, nowMs: number, note?: string): Promise<LifecycleResult>;
  /**
   * Acknowledges or resolves many alerts with one note, all or none; alerts already past that state (or unknown
   * ids) come back as skipped.
   */
  bulk(target: BulkTarget, action: BulkAction, by: string, nowMs: number, note?: string): Promise<BulkResult>;
  /** Alerts opened per local day and severity over the last `days` days, and the PCs and users with the most. */
  summary(nowMs: number, days: number, utcOffsetMs: number): Promise<AlertSummary>;
  /**
   * Every alert a filter selects, newest first by event time, in chunks of at most `chunkRows` (keyset cursor):
   * memory stays at one chunk however many match, and the event loop runs between chunks (exports).
   */
  chunks(filter: Omit<AlertFilter, 'limit' | 'offset'>, chunkRows: number): AsyncIterable<Alert[]>;
  /** Open alerts per directory department and severity, most first (PCs the directory does not name are left out). */
  openByDepartment(): Promise<DepartmentAlertCounts[]>;
  /** The PCs behind an offline alert, earliest outage first. */
  offlinePcs(alertId: number, limit?: number): Promise<OfflinePc[]>;
}

/**
 * The key an alert folds by: rule, PC and user (those `foldBy` names; the others as "*"), and the fold group. Both
 * stores keep it in the alert row, so every collector on one database folds a candidate into the same alert.
 */
export function alertFoldKey(candidate: Pick<AlertCandidate, 'ruleId' | 'pc' | 'user' | 'foldGroup' | 'foldBy'>): string {
  const by = candidate.foldBy;
  const pc = !by || by.includes('pc') ? candidate.pc : '*';
  const user = !by || by.includes('user') ? candidate.user : '*';
  return JSON.stringify(candidate.foldGroup === undefined ? [candidate.ruleId, pc, user] : [candidate.ruleId, pc, user, candidate.foldGroup]);
}
