import type pg from 'pg';
import type { Alert } from '../../repositories/alerts.ts';
import type {
  NewOutboxMail, NotifyRepository, NotifyTransaction, OutboxAttachment, OutboxMail, QueueBucket,
} from '../../repositories/notify.ts';
import { alertColumns } from './alert-rows.ts';
import { BufferedNotifyTransaction, insertOutboxMail } from './notify-transaction.ts';
import { advisoryLocks, inTransaction } from './transaction.ts';

const outboxColumns = `id, recipient, kind, subject, body, message_id AS "messageId", alert_ids AS "alertIds", created_ms AS "createdMs",
  attempts, next_attempt_ms AS "nextAttemptMs", last_error AS "lastError", sent_ms AS "sentMs", failed_ms AS "failedMs"`;

function fromRow(row: Record<string, unknown>): OutboxMail {
  return { ...(row as unknown as OutboxMail), alertIds: JSON.parse(row.alertIds as string) as number[] };
}

/** The outbox and digest queues on PostgreSQL, shared by every collector on the database. */
export class PostgresNotifyRepository implements NotifyRepository {
  constructor(private readonly pool: pg.Pool) {}

  async recentMailCount(recipient: string, sinceMs: number): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM notify_outbox WHERE recipient = $1 AND kind IN ('immediate', 'summary')
      AND created_ms > $2`, [recipient, sinceMs])).rows[0]!.n;
  }

  async queueHeads(): Promise<{ recipient: string; bucket: QueueBucket; oldestMs: number; n: number }[]> {
    return (await this.pool.query<{ recipient: string; bucket: QueueBucket; oldestMs: number; n: number }>(`SELECT recipient, bucket,
      MIN(created_ms) AS "oldestMs", COUNT(*) AS n FROM notify_queue GROUP BY recipient, bucket`)).rows;
  }

  async drainQueue(recipient: string, bucket: QueueBucket, compose: (alerts: Alert[], tx: NotifyTransaction) => void): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Two collectors ticking together must not both mail the same digest: the second finds the queue empty.
      await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.notifyQueue]);
      const rows = (await client.query<{ id: number; alertId: number }>(`SELECT id, alert_id AS "alertId" FROM notify_queue
        WHERE recipient = $1 AND bucket = $2 ORDER BY created_ms, id`, [recipient, bucket])).rows;
      if (rows.length === 0) return;
      const alerts = (await client.query<Alert>(`SELECT ${alertColumns} FROM alerts WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.alertId)])).rows;
      const byId = new Map(alerts.map((a) => [a.id, a]));
      const ordered = rows.map((r) => byId.get(r.alertId)).filter((a): a is Alert => a !== undefined);
      if (ordered.length > 0) {
        const tx = await BufferedNotifyTransaction.open(client, Date.now());
        await tx.reserveIds(client);
        compose(ordered, tx);
        await tx.flush(client);
      }
      await client.query('DELETE FROM notify_queue WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    });
  }

  async addToOutbox(mails: { mail: NewOutboxMail; attachments?: OutboxAttachment[] }[]): Promise<number[]> {
    return inTransaction(this.pool, async (client) => {
      const ids: number[] = [];
      for (const { mail, attachments = [] } of mails) {
        const id = await insertOutboxMail(client, mail);
        for (const [ordinal, file] of attachments.entries()) {
          await client.query('INSERT INTO notify_outbox_attachments (outbox_id, ordinal, file_name, content_type, content) VALUES ($1, $2, $3, $4, $5)',
            [id, ordinal, file.fileName, file.contentType, file.content]);
        }
        ids.push(id);
      }
      return ids;
    });
  }

  async dueOutbox(nowMs: number, limit: number): Promise<OutboxMail[]> {
    return (await this.pool.query(`SELECT ${outboxColumns} FROM notify_outbox WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms <= $1
      ORDER BY next_attempt_ms, id LIMIT $2`, [nowMs, limit])).rows.map(fromRow);
  }

  async attachments(outboxId: number): Promise<OutboxAttachment[]> {
    return (await this.pool.query<OutboxAttachment>(`SELECT file_name AS "fileName", content_type AS "contentType", content FROM notify_outbox_attachments
      WHERE outbox_id = $1 ORDER BY ordinal`, [outboxId])).rows;
  }

  async markSent(id: number, nowMs: number, response: string): Promise<void> {
    await this.pool.query('UPDATE notify_outbox SET sent_ms = $2, attempts = attempts + 1, smtp_response = $3 WHERE id = $1 AND sent_ms IS NULL',
      [id, nowMs, response.slice(0, 500)]);
  }

  async markRetry(id: number, nextAttemptMs: number, error: string): Promise<void> {
    await this.pool.query('UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_ms = $2, last_error = $3 WHERE id = $1', [id, nextAttemptMs, error.slice(0, 500)]);
  }

  async markFailed(id: number, nowMs: number, error: string): Promise<void> {
    await this.pool.query('UPDATE notify_outbox SET attempts = attempts + 1, failed_ms = $2, last_error = $3 WHERE id = $1', [id, nowMs, error.slice(0, 500)]);
  }

  async retryNow(nowMs: number): Promise<number> {
    return (await this.pool.query('UPDATE notify_outbox SET next_attempt_ms = $1 WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms > $1', [nowMs])).rowCount ?? 0;
  }

  async all(): Promise<OutboxMail[]> {
    return (await this.pool.query(`SELECT ${outboxColumns} FROM notify_outbox ORDER BY id`)).rows.map(fromRow);
  }
}
