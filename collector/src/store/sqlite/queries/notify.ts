import type Database from 'better-sqlite3';
import type { NewOutboxMail, OutboxMail, QueueBucket } from '../../repositories/notify.ts';

const outboxColumns = `id, recipient, kind, subject, body, message_id AS messageId, alert_ids AS alertIds, created_ms AS createdMs,
  attempts, next_attempt_ms AS nextAttemptMs, last_error AS lastError, sent_ms AS sentMs, failed_ms AS failedMs`;

function statements(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO notify_outbox (recipient, kind, subject, body, message_id, alert_ids, created_ms, next_attempt_ms)
      VALUES (@recipient, @kind, @subject, @body, @messageId, @alertIds, @createdMs, @createdMs)`),
    due: db.prepare(`SELECT ${outboxColumns} FROM notify_outbox WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms <= ?
      ORDER BY next_attempt_ms, id LIMIT ?`),
    nextDue: db.prepare('SELECT MIN(next_attempt_ms) AS at FROM notify_outbox WHERE sent_ms IS NULL AND failed_ms IS NULL'),
    sent: db.prepare('UPDATE notify_outbox SET sent_ms = ?, attempts = attempts + 1, smtp_response = ? WHERE id = ? AND sent_ms IS NULL'),
    retry: db.prepare('UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?'),
    retryNow: db.prepare('UPDATE notify_outbox SET next_attempt_ms = ? WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms > ?'),
    failed: db.prepare('UPDATE notify_outbox SET attempts = attempts + 1, failed_ms = ?, last_error = ? WHERE id = ?'),
    recentFor: db.prepare(`SELECT COUNT(*) AS n, MIN(created_ms) AS oldest FROM notify_outbox
      WHERE recipient = ? AND kind IN ('immediate', 'summary') AND created_ms > ?`),
    enqueue: db.prepare('INSERT OR IGNORE INTO notify_queue (recipient, bucket, alert_id, created_ms) VALUES (?, ?, ?, ?)'),
    queueHeads: db.prepare('SELECT recipient, bucket, MIN(created_ms) AS oldestMs, COUNT(*) AS n FROM notify_queue GROUP BY recipient, bucket'),
    queued: db.prepare('SELECT id, alert_id AS alertId FROM notify_queue WHERE recipient = ? AND bucket = ? ORDER BY created_ms, id'),
    dequeue: db.prepare('DELETE FROM notify_queue WHERE id = ?'),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();
function s(db: Database.Database) {
  let prepared = cache.get(db);
  if (!prepared) cache.set(db, (prepared = statements(db)));
  return prepared;
}

function fromRow(row: Record<string, unknown>): OutboxMail {
  return { ...(row as unknown as OutboxMail), alertIds: JSON.parse(row.alertIds as string) as number[] };
}

export function addToOutbox(db: Database.Database, mail: NewOutboxMail): number {
  return Number(s(db).insert.run({ ...mail, alertIds: JSON.stringify(mail.alertIds) }).lastInsertRowid);
}

/** Mails not yet accepted by the server whose next attempt is due, oldest first. */
export function dueOutbox(db: Database.Database, nowMs: number, limit: number): OutboxMail[] {
  return (s(db).due.all(nowMs, limit) as Record<string, unknown>[]).map(fromRow);
}

/** When the next unsent mail is due (undefined when the outbox is empty). */
export function nextOutboxDue(db: Database.Database): number | undefined {
  return (s(db).nextDue.get() as { at: number | null }).at ?? undefined;
}

/** Only after the SMTP server accepted the message. */
export function markOutboxSent(db: Database.Database, id: number, nowMs: number, response: string): void {
  s(db).sent.run(nowMs, response.slice(0, 500), id);
}

export function markOutboxRetry(db: Database.Database, id: number, nextAttemptMs: number, error: string): void {
  s(db).retry.run(nextAttemptMs, error.slice(0, 500), id);
}

/** Makes every waiting mail due now (the server is back: no need to sit out each mail's own backoff). */
export function retryOutboxNow(db: Database.Database, nowMs: number): number {
  return s(db).retryNow.run(nowMs, nowMs).changes;
}

export function markOutboxFailed(db: Database.Database, id: number, nowMs: number, error: string): void {
  s(db).failed.run(nowMs, error.slice(0, 500), id);
}

/** Immediate and summary mails queued for a recipient since `sinceMs` (what the rate limit counts). */
export function recentMailsFor(db: Database.Database, recipient: string, sinceMs: number): { count: number; oldestMs: number | undefined } {
  const row = s(db).recentFor.get(recipient, sinceMs) as { n: number; oldest: number | null };
  return { count: row.n, oldestMs: row.oldest ?? undefined };
}

export function enqueueForLater(db: Database.Database, recipient: string, bucket: QueueBucket, alertId: number, nowMs: number): void {
  s(db).enqueue.run(recipient, bucket, alertId, nowMs);
}

export function queueHeads(db: Database.Database): { recipient: string; bucket: QueueBucket; oldestMs: number; n: number }[] {
  return s(db).queueHeads.all() as { recipient: string; bucket: QueueBucket; oldestMs: number; n: number }[];
}

/** Takes a recipient's queued alerts of one bucket and hands them to `compose`, in one transaction with it. */
export function drainQueue(db: Database.Database, recipient: string, bucket: QueueBucket, compose: (alertIds: number[]) => void): void {
  const st = s(db);
  db.transaction(() => {
    const rows = st.queued.all(recipient, bucket) as { id: number; alertId: number }[];
    if (rows.length === 0) return;
    compose(rows.map((r) => r.alertId));
    for (const row of rows) st.dequeue.run(row.id);
  }).immediate();
}

export function outboxMails(db: Database.Database): OutboxMail[] {
  return (db.prepare(`SELECT ${outboxColumns} FROM notify_outbox ORDER BY id`).all() as Record<string, unknown>[]).map(fromRow);
}
