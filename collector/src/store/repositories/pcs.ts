/** One PC as the console lists it: its current (not retired) agent's state. */
export interface PcRow {
  pc: string;
  agentId: string;
  os: string;
  connected: boolean;
  lastSeenMs: number | null;
  currentUser: string;
  agentVersion: string;
  policyVersion: number;
  journalBacklog: number;
  openAlerts: number;
}

/** A stored event as the timeline pages it (bytes decoded by the caller). */
export interface HistoryRow {
  id: number;
  agentId: string;
  seq: number;
  timeMs: number;
  /** When the collector stored it (its own clock): far from timeMs means a wrong PC clock or a late backlog. */
  receivedMs: number;
  kind: string;
  user: string;
  bytes: Buffer;
}

/** Position in a PC's timeline: events strictly older than (timeMs, id), newest first. */
export interface HistoryCursor {
  timeMs: number;
  id: number;
}
/** PCs (their current agent's state) and their event timeline. */
export interface PcsRepository {
  /** Every PC with a current agent, with its open alert count. */
  list(): Promise<PcRow[]>;
  /** One PC by name (its current agent). */
  get(pc: string): Promise<PcRow | undefined>;
  /** A page of a PC's timeline, newest first, optionally only some kinds. */
  historyPage(pc: string, options: { before?: HistoryCursor; kinds?: string[]; limit: number }): Promise<HistoryRow[]>;
  /** A PC's events in a time window, oldest first. */
  historyWindow(pc: string, fromMs: number, toMs: number, limit: number): Promise<HistoryRow[]>;
  /** The PC's newest inventory event. */
  latestInventory(pc: string): Promise<HistoryRow | undefined>;
  /** The unlock key of the PC's current agent (for one-time unlock codes). */
  currentUnlockKey(pc: string): Promise<Buffer | undefined>;
  /** PCs with a device exception in force at `nowMs`. */
  withActiveExceptions(nowMs: number): Promise<Set<string>>;
  /** Current agents not connected and silent (last seen, else enrolled) since before `beforeMs`, longest silent first. */
  notReporting(beforeMs: number): Promise<NotReportingPc[]>;
}
/** A current agent that has not reported since before a given time. */
export interface NotReportingPc {
  agentId: string;
  pc: string;
  /** Null when it never connected after enrolling. */
  lastSeenMs: number | null;
  enrolledMs: number;
}
