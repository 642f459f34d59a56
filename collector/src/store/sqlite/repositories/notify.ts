import type Database from 'better-sqlite3';
import type { Alert } from '../../repositories/alerts.ts';
import type {
  NewOutboxMail, NotifyRepository, NotifyTransaction, OutboxAttachment, OutboxMail, QueueBucket,
} from '../../repositories/notify.ts';
import { getAlert } from '../queries/alerts.ts';
import {
  addToOutbox, drainQueue, dueOutbox, enqueueForLater, markOutboxFailed, markOutboxRetry, markOutboxSent, outboxMails, queueHeads,
  recentMailsFor, retryOutboxNow,
} from '../queries/notify.ts';
import { addOutboxAttachments, outboxAttachments } from '../queries/reports.ts';

/** The notifier's writes on this connection: inside whatever transaction is open when they run. */
export function sqliteNotifyTransaction(db: Database.Database): NotifyTransaction {
  return {
    recentMailCount: (recipient, sinceMs) => recentMailsFor(db, recipient, sinceMs).count,
    enqueue: (recipient, bucket, alertId, nowMs) => enqueueForLater(db, recipient, bucket, alertId, nowMs),
    addToOutbox: (mail) => addToOutbox(db, mail),
  };
}

export class SqliteNotifyRepository implements NotifyRepository {
  readonly #tx: NotifyTransaction;
  constructor(private readonly db: Database.Database) { this.#tx = sqliteNotifyTransaction(db); }

  async recentMailCount(recipient: string, sinceMs: number): Promise<number> { return this.#tx.recentMailCount(recipient, sinceMs); }
  async queueHeads(): Promise<{ recipient: string; bucket: QueueBucket; oldestMs: number; n: number }[]> { return queueHeads(this.db); }

  async drainQueue(recipient: string, bucket: QueueBucket, compose: (alerts: Alert[], tx: NotifyTransaction) => void): Promise<void> {
    drainQueue(this.db, recipient, bucket, (alertIds) => {
      const alerts = alertIds.map((id) => getAlert(this.db, id)).filter((a): a is Alert => a !== undefined);
      if (alerts.length > 0) compose(alerts, this.#tx);
    });
  }

  async addToOutbox(mails: { mail: NewOutboxMail; attachments?: OutboxAttachment[] }[]): Promise<number[]> {
    return this.db.transaction(() => mails.map(({ mail, attachments = [] }) => {
      const id = addToOutbox(this.db, mail);
      if (attachments.length > 0) addOutboxAttachments(this.db, id, attachments);
      return id;
    })).immediate();
  }

  async dueOutbox(nowMs: number, limit: number): Promise<OutboxMail[]> { return dueOutbox(this.db, nowMs, limit); }
  async attachments(outboxId: number): Promise<OutboxAttachment[]> { return outboxAttachments(this.db, outboxId); }
  async markSent(id: number, nowMs: number, response: string): Promise<void> { markOutboxSent(this.db, id, nowMs, response); }
  async markRetry(id: number, nextAttemptMs: number, error: string): Promise<void> { markOutboxRetry(this.db, id, nextAttemptMs, error); }
  async markFailed(id: number, nowMs: number, error: string): Promise<void> { markOutboxFailed(this.db, id, nowMs, error); }
  async retryNow(nowMs: number): Promise<number> { return retryOutboxNow(this.db, nowMs); }
  async all(): Promise<OutboxMail[]> { return outboxMails(this.db); }
}
