/** The numbers /metrics reports, each read with one cheap statement (indexes or rowid bounds, no full scans of events). */
export interface OperationsSnapshot {
  /** Events stored in all (ids only grow and events are never deleted, so the newest id is the count). */
  eventsStored: number;
  /** Stored events the projector has not yet turned into query tables and alerts. */
  projectionLagEvents: number;
  /** Age (ms) of the oldest stored event not yet projected, by its arrival time; 0 when caught up. */
  projectionLagMs: number;
  agentsEnrolled: number;
  agentsConnected: number;
  /** Sum and maximum of the journal backlog each agent reported in its last heartbeat, and how many have one. */
  journalBacklogSum: number;
  journalBacklogMax: number;
  agentsWithBacklog: number;
  /** Alert mails waiting for the SMTP server (not sent, not failed for good). */
  outboxPending: number;
  /** Integrity findings by kind. */
  integrityFindings: { kind: string; count: number }[];
}
/** Operational figures (metrics, health). */
export interface OperationsRepository {
  /** Counts for /metrics and /health. */
  snapshot(nowMs: number): Promise<OperationsSnapshot>;
  /** True when some stored event is not yet projected (e.g. stored by another process). One index probe. */
  hasUnprojected(): Promise<boolean>;
  /** Rejects when the database cannot answer (health checks). */
  ping(): Promise<void>;
}
