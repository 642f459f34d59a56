import type { Alert } from './alerts.ts';

export type OutboxKind = 'immediate' | 'digest' | 'summary';

export type QueueBucket = 'hourly' | 'daily' | 'overflow';

export interface OutboxMail {
  id: number;
  recipient: string;
  kind: OutboxKind;
  subject: string;
  body: string;
  messageId: string;
  alertIds: number[];
  createdMs: number;
  attempts: number;
  nextAttemptMs: number;
  lastError: string;
  sentMs: number | null;
  failedMs: number | null;
}

/** A mail to put in the outbox. */
export interface NewOutboxMail {
  recipient: string;
  kind: OutboxKind;
  subject: string;
  body: string;
  messageId: string;
  alertIds: number[];
  createdMs: number;
}

/** A file attached to an outbox mail (inspection reports). */
export interface OutboxAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
}

/**
 * The notifier's writes inside another repository's transaction (an alert and its queued mails commit together).
 * Synchronous on purpose: it runs within that transaction and must not wait on anything else. An implementation
 * over a server database reads what `recentMailCount` needs inside its transaction before calling back.
 */
export interface NotifyTransaction {
  /** Immediate and summary mails queued for a recipient since `sinceMs` (what the rate limit counts), this transaction's included. */
  recentMailCount(recipient: string, sinceMs: number): number;
  /** Holds an alert for a recipient's digest or "N more" summary. */
  enqueue(recipient: string, bucket: QueueBucket, alertId: number, nowMs: number): void;
  /** Puts a mail in the outbox; returns its id. */
  addToOutbox(mail: NewOutboxMail): number;
}

/** The alert-mail outbox (written first, marked sent only once the SMTP server accepted) and the digest queues. */
export interface NotifyRepository {
  /** See NotifyTransaction.recentMailCount. */
  recentMailCount(recipient: string, sinceMs: number): Promise<number>;
  /** Recipients and buckets with queued alerts, with the oldest queued time. */
  queueHeads(): Promise<{ recipient: string; bucket: QueueBucket; oldestMs: number; n: number }[]>;
  /**
   * Takes a recipient's queued alerts of one bucket (those still stored) and hands them to `compose`, which queues
   * the mail through `tx`; dequeuing and the mail commit together.
   */
  drainQueue(recipient: string, bucket: QueueBucket, compose: (alerts: Alert[], tx: NotifyTransaction) => void): Promise<void>;
  /** Puts mails with their attachments in the outbox, all in one transaction; returns their ids in order. */
  addToOutbox(mails: { mail: NewOutboxMail; attachments?: OutboxAttachment[] }[]): Promise<number[]>;
  /** Mails not yet accepted by the server whose next attempt is due, oldest first. */
  dueOutbox(nowMs: number, limit: number): Promise<OutboxMail[]>;
  /** Files attached to an outbox mail, in order (none for alert mails). */
  attachments(outboxId: number): Promise<OutboxAttachment[]>;
  /** Only after the SMTP server accepted the message. */
  markSent(id: number, nowMs: number, response: string): Promise<void>;
  /** A temporary failure: try again at `nextAttemptMs`. */
  markRetry(id: number, nextAttemptMs: number, error: string): Promise<void>;
  /** A permanent failure (the server refused the recipient): never retried. */
  markFailed(id: number, nowMs: number, error: string): Promise<void>;
  /** Makes every waiting mail due now (the server is back: no need to sit out each mail's own backoff); returns how many. */
  retryNow(nowMs: number): Promise<number>;
  /** Every outbox mail, oldest first (tests and diagnostics). */
  all(): Promise<OutboxMail[]>;
}
