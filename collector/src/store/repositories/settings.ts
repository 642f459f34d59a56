/** Console-editable collector settings and the alert-mail outbox's state. */

export interface StoredSetting {
  key: string;
  value: unknown;
  updatedMs: number;
  updatedBy: string;
}

/** A mail not yet delivered, or refused for good, with what went wrong. */
export interface OutboxProblemRow {
  id: number;
  recipient: string;
  subject: string;
  attempts: number;
  lastError: string;
  createdMs: number;
  nextAttemptMs: number;
  failedMs: number | null;
}

export interface OutboxState {
  /** Waiting, never tried or not yet due. */
  queued: number;
  /** Waiting after at least one failed attempt. */
  failing: number;
  /** Refused for good (5xx). */
  failed: number;
  sentLastDay: number;
  /** Newest problems first (failing or failed). */
  problems: OutboxProblemRow[];
}

export interface SettingsRepository {
  all(): Promise<StoredSetting[]>;
  put(key: string, value: unknown, actor: string, nowMs: number): Promise<void>;
  outboxState(nowMs: number): Promise<OutboxState>;
}
