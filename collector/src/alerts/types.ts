import type { Severity } from '@mamori/policies';

/** An event as the rule engine sees it: where it came from and its payload (untrusted text from a PC). */
export interface EngineEvent {
  /** events.id of the stored event. */
  id: number;
  agentId: string;
  pc: string;
  user: string;
  timeMs: number;
  /** Payload kind in snake case: file_copy, print_job, mail … */
  kind: string;
  payload: Record<string, unknown>;
}

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
  title: string;
  count: number;
  firstMs: number;
  lastMs: number;
  acknowledgedBy: string | null;
  acknowledgedMs: number | null;
  resolvedBy: string | null;
  resolvedMs: number | null;
  note: string;
}
