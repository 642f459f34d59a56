/** Temporary upload exceptions (console, API, CLI): stored per PC, pushed with the PC's effective policy. */

export interface UploadExceptionRow {
  id: string;
  pc: string;
  /** Only this OS user on the PC; null = every user. */
  user: string | null;
  /** Exactly one of category and domain is set. */
  category: string | null;
  domain: string | null;
  untilMs: number;
  reason: string;
  createdBy: string;
  createdMs: number;
  revokedMs: number | null;
  revokedBy: string | null;
}

export interface UploadExceptionsRepository {
  /** Stores a new exception and notes the change for the push watcher. */
  create(row: Omit<UploadExceptionRow, 'revokedMs' | 'revokedBy'>): Promise<void>;
  /** One exception by id, revoked or not. */
  find(id: string): Promise<UploadExceptionRow | undefined>;
  /** Exceptions in force on the PC at `nowMs` (not revoked, not ended), oldest first. */
  active(pc: string, nowMs: number): Promise<UploadExceptionRow[]>;
  /** Exceptions in force anywhere at `nowMs`, newest first (the console's list). */
  activeAll(nowMs: number, limit: number): Promise<UploadExceptionRow[]>;
  /** Ends an active exception now; undefined when it was not active (unknown, revoked or ended). */
  revoke(id: string, actor: string, nowMs: number): Promise<UploadExceptionRow | undefined>;
  /** PCs whose exceptions changed after `cursor` (grant or revoke), and the new cursor. */
  changesAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }>;
}
