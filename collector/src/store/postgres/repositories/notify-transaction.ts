import type pg from 'pg';
import type { NewOutboxMail, NotifyTransaction, QueueBucket } from '../../repositories/notify.ts';

/**
 * How far back the rate limit's counts are read before the notifier's synchronous callback runs. The policy's
 * `rate_limit.per` defaults to an hour; a longer period than this counts only the mails within this horizon.
 */
export const rateLimitHorizonMs = 7 * 86_400_000;

/** Outbox ids kept in hand for the callback: `addToOutbox` is synchronous and must return an id. */
const reservedIds = 64;

/**
 * The notifier's writes inside a PostgreSQL transaction. `NotifyTransaction` is synchronous (it runs inside the
 * alert's transaction and must not wait), so this one reads beforehand what the rate limit counts (immediate and
 * summary mails within `rateLimitHorizonMs`), takes outbox ids from the sequence in advance, buffers the writes, and
 * `flush` sends them on the same connection before the transaction commits.
 */
export class BufferedNotifyTransaction implements NotifyTransaction {
  readonly #recent: Map<string, number[]>;
  readonly #ids: number[] = [];
  readonly #queued: { recipient: string; bucket: QueueBucket; alertId: number; nowMs: number }[] = [];
  readonly #mails: { id: number; mail: NewOutboxMail }[] = [];

  private constructor(recent: Map<string, number[]>) { this.#recent = recent; }

  /** Reads the rate limit's counts on `client` (inside its transaction). */
  static async open(client: pg.PoolClient, nowMs: number): Promise<BufferedNotifyTransaction> {
    const { rows } = await client.query<{ recipient: string; created_ms: number }>(`SELECT recipient, created_ms FROM notify_outbox
      WHERE kind IN ('immediate', 'summary') AND created_ms > $1`, [nowMs - rateLimitHorizonMs]);
    const recent = new Map<string, number[]>();
    for (const row of rows) {
      let times = recent.get(row.recipient);
      if (!times) recent.set(row.recipient, (times = []));
      times.push(row.created_ms);
    }
    return new BufferedNotifyTransaction(recent);
  }

  /** Tops up the outbox ids in hand (call before each synchronous callback). */
  async reserveIds(client: pg.PoolClient): Promise<void> {
    if (this.#ids.length >= reservedIds) return;
    const { rows } = await client.query<{ id: number }>("SELECT nextval('notify_outbox_id_seq') AS id FROM generate_series(1, $1)", [reservedIds - this.#ids.length]);
    this.#ids.push(...rows.map((r) => r.id));
  }

  recentMailCount(recipient: string, sinceMs: number): number {
    return (this.#recent.get(recipient) ?? []).filter((t) => t > sinceMs).length;
  }

  enqueue(recipient: string, bucket: QueueBucket, alertId: number, nowMs: number): void {
    this.#queued.push({ recipient, bucket, alertId, nowMs });
  }

  addToOutbox(mail: NewOutboxMail): number {
    const id = this.#ids.shift();
    if (id === undefined) throw new Error(`one alert queued more than ${reservedIds} mails in one transaction`);
    this.#mails.push({ id, mail });
    if (mail.kind !== 'digest') {
      let times = this.#recent.get(mail.recipient);
      if (!times) this.#recent.set(mail.recipient, (times = []));
      times.push(mail.createdMs);
    }
    return id;
  }

  /** Writes what the callbacks queued, on `client`, inside its transaction. */
  async flush(client: pg.PoolClient): Promise<void> {
    if (this.#queued.length > 0) {
      await client.query(`INSERT INTO notify_queue (recipient, bucket, alert_id, created_ms)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) ON CONFLICT DO NOTHING`, [
        this.#queued.map((q) => q.recipient), this.#queued.map((q) => q.bucket), this.#queued.map((q) => q.alertId), this.#queued.map((q) => q.nowMs),
      ]);
      this.#queued.length = 0;
    }
    for (const { id, mail } of this.#mails) await insertOutboxMail(client, mail, id);
    this.#mails.length = 0;
  }
}

/** One outbox row; `id` from the sequence when the caller took it in advance. */
export async function insertOutboxMail(client: pg.PoolClient | pg.Pool, mail: NewOutboxMail, id?: number): Promise<number> {
  const { rows } = await client.query<{ id: number }>(`INSERT INTO notify_outbox (id, recipient, kind, subject, body, message_id, alert_ids, created_ms, next_attempt_ms)
    VALUES (COALESCE($1, nextval('notify_outbox_id_seq')), $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
  [id ?? null, mail.recipient, mail.kind, mail.subject, mail.body, mail.messageId, JSON.stringify(mail.alertIds), mail.createdMs]);
  return rows[0]!.id;
}
