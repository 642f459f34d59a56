/** One entry of the admin audit chain, as the console shows it. */
export interface AuditRow {
  id: number;
  timeMs: number;
  actor: string;
  action: string;
  entry: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Reading the admin audit log (appends go through `Store.appendAudit`). */
export interface AuditRepository {
  /** A page of the audit log, newest first, optionally only one actor or action prefix. */
  listPage(options: { beforeId?: number; actor?: string; action?: string; limit: number }): Promise<AuditRow[]>;
  /** Re-walks the whole chain; `firstBadId` names the first entry whose hash does not follow. */
  verifyChain(): Promise<{ entries: number; ok: boolean; firstBadId: number | null }>;
}
