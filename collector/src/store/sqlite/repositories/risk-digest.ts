import type Database from 'better-sqlite3';
import type { NewOutboxMail } from '../../repositories/notify.ts';
import type { RiskDigestRepository, RiskDigestSubscription } from '../../repositories/risk-digest.ts';
import { addToOutbox } from '../queries/notify.ts';

/** SQLite implementation of the risk digest repository (tables of migration 1301; mails into the notify outbox). */
export class SqliteRiskDigestRepository implements RiskDigestRepository {
  readonly #s;

  constructor(private readonly db: Database.Database) {
    this.#s = {
      list: db.prepare('SELECT email, department, created_by AS createdBy, created_ms AS createdMs FROM risk_digest_subscriptions ORDER BY email'),
      subscribe: db.prepare(`INSERT INTO risk_digest_subscriptions (email, department, created_by, created_ms) VALUES (@email, @department, @createdBy, @createdMs)
        ON CONFLICT (email) DO UPDATE SET department = excluded.department, created_by = excluded.created_by, created_ms = excluded.created_ms`),
      unsubscribe: db.prepare('DELETE FROM risk_digest_subscriptions WHERE email = ?'),
      queued: db.prepare('SELECT 1 FROM risk_digest_runs WHERE local_date = ?').pluck(),
      claim: db.prepare('INSERT OR IGNORE INTO risk_digest_runs (local_date, queued_ms, mails) VALUES (?, ?, ?)'),
    };
  }

  async list(): Promise<RiskDigestSubscription[]> {
    return this.#s.list.all() as RiskDigestSubscription[];
  }

  async subscribe(subscription: RiskDigestSubscription): Promise<void> {
    this.#s.subscribe.run(subscription);
  }

  async unsubscribe(email: string): Promise<boolean> {
    return this.#s.unsubscribe.run(email).changes > 0;
  }

  async queued(localDate: string): Promise<boolean> {
    return this.#s.queued.get(localDate) !== undefined;
  }

  async queueDay(localDate: string, mails: NewOutboxMail[], nowMs: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.#s.claim.run(localDate, nowMs, mails.length).changes === 0) return false;
      for (const mail of mails) addToOutbox(this.db, mail);
      return true;
    }).immediate();
  }
}
