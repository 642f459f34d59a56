/** Signed evidence of one agent old enough to go: a leading run of whole batches, all received before the cut-off. */
export interface ExpiredEvidence {
  agentId: string;
  fromSeq: number;
  toSeq: number;
  events: number;
}

/** What the retention job (collector/src/retention) asks the store. */
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
