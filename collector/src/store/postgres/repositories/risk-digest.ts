import type pg from 'pg';
import type { NewOutboxMail } from '../../repositories/notify.ts';
import type { RiskDigestRepository, RiskDigestSubscription } from '../../repositories/risk-digest.ts';
import { insertOutboxMail } from './notify-transaction.ts';
import { inTransaction } from './transaction.ts';

/**
 * The risk digest shared by every collector on the database (migration 0291): one subscriber list, and each local
 * day claimed once, with its mails in the shared outbox, so several collectors send one digest per day.
 */
export class PostgresRiskDigestRepository implements RiskDigestRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<RiskDigestSubscription[]> {
    return (await this.pool.query<RiskDigestSubscription>(`SELECT email, department, created_by AS "createdBy", created_ms AS "createdMs"
      FROM risk_digest_subscriptions ORDER BY lower(email) COLLATE "C"`)).rows;
  }

  async subscribe(subscription: RiskDigestSubscription): Promise<void> {
    await this.pool.query(`INSERT INTO risk_digest_subscriptions (email, department, created_by, created_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT ((lower(email))) DO UPDATE SET department = excluded.department, created_by = excluded.created_by, created_ms = excluded.created_ms`,
    [subscription.email, subscription.department, subscription.createdBy, subscription.createdMs]);
  }

  async unsubscribe(email: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM risk_digest_subscriptions WHERE lower(email) = lower($1)', [email])).rowCount ?? 0) > 0;
  }

  async queued(localDate: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM risk_digest_runs WHERE local_date = $1', [localDate])).rowCount ?? 0) > 0;
  }

  async queueDay(localDate: string, mails: NewOutboxMail[], nowMs: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // The claim: a collector racing for the same day waits on this row's key until the first commits, then inserts
      // nothing and queues nothing (read committed re-checks the conflict after the wait).
      const claimed = await client.query('INSERT INTO risk_digest_runs (local_date, queued_ms, mails) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [localDate, nowMs, mails.length]);
      if ((claimed.rowCount ?? 0) === 0) return false;
      for (const mail of mails) await insertOutboxMail(client, mail);
      return true;
    });
  }
}
