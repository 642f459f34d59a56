/** A current agent that has not reported since before a given time. */
export interface NotReportingPc {
  agentId: string;
  pc: string;
  /** Null when it never connected after enrolling. */
  lastSeenMs: number | null;
  enrolledMs: number;
}
