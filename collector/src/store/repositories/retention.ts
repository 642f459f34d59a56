/** Signed evidence of one agent old enough to go: a leading run of whole batches, all received before the cut-off. */
export interface ExpiredEvidence {
  agentId: string;
  fromSeq: number;
  toSeq: number;
  events: number;
}

/** What the retention job (collector/src/retention) asks a store that deletes evidence agent by agent (SQLite). */
export interface RetentionRepository {
  /**
   * Per agent, its stored events from the oldest up to the end of the last batch such that this batch and every
   * earlier one were received before `beforeMs` (whole batches only: a batch signature covers all its events).
   */
  expiredEvidence(beforeMs: number): Promise<ExpiredEvidence[]>;
  /**
   * Deletes the agent's events with seq ≤ `toSeq`, the batches wholly inside, and the query rows made from those
   * events, in one transaction. Returns how many events went.
   */
  deleteEvidenceThrough(agentId: string, toSeq: number): Promise<number>;
}

/** Months of received evidence that are wholly older than a retention limit, and what each agent has in them. */
export interface ExpiredMonths {
  /** The partitions (months received) that may go, oldest first. */
  months: string[];
  /** The end of the newest of them (exclusive): everything received before it goes, nothing after. 0 when none. */
  cutoffMs: number;
  /** The month that holds `beforeMs` itself, partly old: it waits until all of it is (undefined when none stored). */
  waiting?: { month: string; untilMs: number };
  /** Per agent, its events received in those months (a leading run of whole batches, as exports need). */
  agents: ExpiredEvidence[];
}

/**
 * What the retention job asks a store whose evidence is partitioned by month received (PostgreSQL): evidence goes a
 * whole month of every agent at a time, as one partition drop, after every agent's export of it verified.
 */
export interface MonthlyRetentionRepository {
  /** The months received wholly before `beforeMs`, with each agent's share of them. */
  expiredMonths(beforeMs: number): Promise<ExpiredMonths>;
  /**
   * Drops those months' partitions with their batches and the query rows made from their events, in one
   * transaction. Returns the events that went per agent (months another collector dropped meanwhile count none).
   */
  dropMonths(months: string[]): Promise<Map<string, number>>;
}
