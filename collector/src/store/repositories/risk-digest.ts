import type { NewOutboxMail } from './notify.ts';

/** A manager who receives the daily digest of risk movers ('' department: everyone). */
export interface RiskDigestSubscription {
  email: string;
  department: string;
  createdBy: string;
  createdMs: number;
}

/** Subscriptions to the daily risk digest, and the days whose digest is queued. */
export interface RiskDigestRepository {
  list(): Promise<RiskDigestSubscription[]>;
  /** Adds or updates (same address: the department changes). */
  subscribe(subscription: RiskDigestSubscription): Promise<void>;
  /** False when the address was not subscribed. */
  unsubscribe(email: string): Promise<boolean>;
  /** Whether the digest of a local date was queued already. */
  queued(localDate: string): Promise<boolean>;
  /**
   * Puts the day's digest mails in the collector's outbox and records the day, in one transaction; false (nothing
   * queued) when the day was recorded already, so a digest goes out once per day whatever restarts in between.
   */
  queueDay(localDate: string, mails: NewOutboxMail[], nowMs: number): Promise<boolean>;
}
