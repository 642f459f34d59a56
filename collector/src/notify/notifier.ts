import { randomUUID } from 'node:crypto';
import type { NotificationsPolicy } from '@mamori/policies';
import { domainOf } from '../alerts/allow-list.ts';
import { localTime } from '../alerts/calendar.ts';
import type { Alert } from '../alerts/types.ts';
import type { NotifyRepository, NotifyTransaction, OutboxKind, OutboxMail, QueueBucket } from '../store/repositories/notify.ts';
import type { Language } from '../i18n/language.ts';
import { composeDigest, composeImmediate, composeOverflowSummary, type ComposedMail, type MailStyle } from './compose.ts';
import { isPermanentSmtpError, type MailTransport } from './mail-transport.ts';
import { routeAlert } from './routing.ts';
import { monotonicMs } from '../monotonic.ts';

export interface NotifierOptions {
  notify: NotifyRepository;
  transport: MailTransport;
  /** The From address; its domain goes into Message-IDs. */
  from: string;
  now?: () => number;
  /** Clock for the in-memory pause after a failed round (monotonic by default). */
  monotonic?: () => number;
  /** Backoff between attempts for one mail, doubling from `initialMs` up to `maxMs`. */
  retry?: { initialMs: number; maxMs: number };
  /** How often digests, "N more" summaries and retries are looked at. */
  tickMs?: number;
  /** Mails sent in parallel. */
  concurrency?: number;
  onError?: (error: unknown) => void;
}

/** Start of the next local `HH:MM` strictly after `afterMs` in a zone (daily digest time). */
export function nextDailyAt(afterMs: number, hhmm: string, timeZone: string): number {
  const local = localTime(afterMs, timeZone);
  const [y, m, d] = local.date.split('-').map(Number);
  const wallNow = Date.UTC(y!, m! - 1, d!, Math.floor(local.minutes / 60), local.minutes % 60);
  const offset = wallNow - Math.floor(afterMs / 60_000) * 60_000;
  const [hh, mm] = hhmm.split(':').map(Number);
  let at = Date.UTC(y!, m! - 1, d!, hh!, mm!) - offset;
  while (at <= afterMs) at += 86_400_000;
  return at;
}

/**
 * Turns new alerts into mail: immediate for urgent ones (per-recipient rate limit, then one "N more" summary),
 * hourly/daily digests for the rest. Every mail is written to the outbox first and marked sent only after the
 * SMTP server accepted it, so an outage or a restart loses nothing and a mail is never sent twice by us.
 */
export class Notifier {
  readonly #repo: NotifyRepository;
  readonly #transport: MailTransport;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #retry: { initialMs: number; maxMs: number };
  readonly #tickMs: number;
  readonly #concurrency: number;
  readonly #messageDomain: string;
  readonly #onError: (error: unknown) => void;
  #policy: NotificationsPolicy;
  #publicUrl = 'http://localhost:8443';
  #languageOf: (recipient: string) => Language = () => 'en';
  #timeZone: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delivering: Promise<void> | undefined;
  #again = false;
  #pausedUntil = 0;
  #failedRounds = 0;
  #stopped = false;

  constructor(options: NotifierOptions, policy: NotificationsPolicy) {
    this.#repo = options.notify;
    this.#transport = options.transport;
    this.#now = options.now ?? Date.now;
    this.#monotonic = options.monotonic ?? monotonicMs;
    this.#retry = options.retry ?? { initialMs: 1_000, maxMs: 60_000 };
    this.#tickMs = options.tickMs ?? 500;
    this.#concurrency = options.concurrency ?? 8;
    this.#messageDomain = domainOf(options.from) || 'mamori.invalid';
    this.#onError = options.onError ?? (() => undefined);
    this.#policy = policy;
  }

  setPolicy(policy: NotificationsPolicy): void {
    this.#policy = policy;
  }

  /** Base of the links in mails: `${publicUrl}/alerts/<id>`. */
  setPublicUrl(url: string): void {
    this.#publicUrl = url.replace(/\/+$/, '');
  }

  /**
   * How recipients read mail: each one's language (settings page; English unless set), and the organisation's time
   * zone when an admin chose one (otherwise the notifications policy's `timezone`).
   */
  setReaders(readers: { languageOf: (recipient: string) => Language; timeZone: string | undefined }): void {
    this.#languageOf = readers.languageOf;
    this.#timeZone = readers.timeZone;
  }

  #style(recipient: string): MailStyle {
    return { language: this.#languageOf(recipient), timeZone: this.#timeZone ?? this.#policy.timezone };
  }

  /** A new alert: queue its mails through `tx` (in the transaction that stored the alert) and start delivering. */
  alertCreated(alert: Alert, tx: NotifyTransaction): void {
    const now = this.#now();
    const { max, per } = this.#policy.rate_limit;
    let immediate = 0;
    for (const [recipient, route] of routeAlert(alert, this.#policy)) {
      if (route !== 'immediate') {
        tx.enqueue(recipient, route, alert.id, now);
      } else if (tx.recentMailCount(recipient, now - per) >= max) {
        tx.enqueue(recipient, 'overflow', alert.id, now);
      } else {
        this.#queueMail(tx, recipient, 'immediate', composeImmediate(alert, this.#publicUrl, this.#style(recipient)), [alert.id], now);
        immediate += 1;
      }
    }
    if (immediate > 0) this.kick();
  }

  /**
   * A folded alert rose in severity (a watched user joined in, it went on into the night): recipients for whom it
   * is now urgent but was not before get the immediate mail they would have had for a new alert that severe.
   */
  alertEscalated(alert: Alert, from: Alert['severity'], tx: NotifyTransaction): void {
    const before = routeAlert({ ...alert, severity: from }, this.#policy);
    const now = this.#now();
    const { max, per } = this.#policy.rate_limit;
    let immediate = 0;
    for (const [recipient, route] of routeAlert(alert, this.#policy)) {
      if (route !== 'immediate' || before.get(recipient) === 'immediate') continue;
      if (tx.recentMailCount(recipient, now - per) >= max) {
        tx.enqueue(recipient, 'overflow', alert.id, now);
      } else {
        this.#queueMail(tx, recipient, 'immediate', composeImmediate(alert, this.#publicUrl, this.#style(recipient)), [alert.id], now);
        immediate += 1;
      }
    }
    if (immediate > 0) this.kick();
  }

  /** Moves due digests and "N more" summaries into the outbox. */
  async flushQueues(): Promise<void> {
    const now = this.#now();
    const { max, per } = this.#policy.rate_limit;
    for (const head of await this.#repo.queueHeads()) {
      if (!await this.#isDue(head.bucket, head.oldestMs, head.recipient, now, max, per)) continue;
      await this.#repo.drainQueue(head.recipient, head.bucket, (alerts, tx) => {
        const mail = head.bucket === 'overflow'
          ? composeOverflowSummary(alerts, this.#publicUrl, this.#style(head.recipient))
          : composeDigest(alerts, head.bucket, this.#publicUrl, this.#style(head.recipient));
        this.#queueMail(tx, head.recipient, head.bucket === 'overflow' ? 'summary' : 'digest', mail, alerts.map((a) => a.id), now);
      });
    }
  }

  /** Sends what is due; resolves when this round is done. Concurrent calls join the running round. */
  deliver(): Promise<void> {
    if (this.#delivering) {
      this.#again = true;
      return this.#delivering;
    }
    this.#delivering = this.#deliverLoop().finally(() => {
      this.#delivering = undefined;
    });
    return this.#delivering;
  }

  /** Starts delivery on the next turn of the event loop, so a caller's open transaction has committed by then. */
  kick(): void {
    setImmediate(() => {
      if (!this.#stopped) this.deliver().catch(this.#onError);
    });
  }

  async tick(): Promise<void> {
    await this.flushQueues();
    await this.deliver();
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.tick().catch(this.#onError), this.#tickMs);
    this.#timer.unref();
    this.kick();
  }

  /** Stops the timer and waits for mails in flight (their outcome is recorded before this resolves). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#delivering?.catch(() => undefined);
    this.#transport.close();
  }

  async #isDue(bucket: QueueBucket, oldestMs: number, recipient: string, now: number, max: number, per: number): Promise<boolean> {
    if (bucket === 'overflow') return (await this.#repo.recentMailCount(recipient, now - per)) < max;
    if (bucket === 'hourly') return now >= (Math.floor(oldestMs / 3_600_000) + 1) * 3_600_000;
    return now >= nextDailyAt(oldestMs, this.#policy.daily_at, this.#policy.timezone);
  }

  #queueMail(tx: NotifyTransaction, recipient: string, kind: OutboxKind, mail: ComposedMail, alertIds: number[], now: number): void {
    tx.addToOutbox({
      recipient, kind, subject: mail.subject, body: mail.body, alertIds, createdMs: now,
      messageId: `<${randomUUID()}@${this.#messageDomain}>`,
    });
  }

  async #deliverLoop(): Promise<void> {
    const batch = this.#concurrency * 8;
    do {
      this.#again = false;
      if (this.#monotonic() < this.#pausedUntil) return;
      const due = await this.#repo.dueOutbox(this.#now(), batch);
      let next = 0;
      let failed = false;
      let sent = false;
      // Up to `concurrency` mails in flight; each worker takes the next as soon as one is done.
      const worker = async () => {
        while (!failed && next < due.length) {
          const outcome = await this.#sendOne(due[next++]!);
          if (outcome === 'retry') failed = true;
          else if (outcome === 'sent') sent = true;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, due.length) }, worker));
      if (failed) {
        // The server is down or busy: pause the whole outbox (doubling per failed round), don't hammer it.
        this.#failedRounds += 1;
        this.#pausedUntil = this.#monotonic() + Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** Math.min(20, this.#failedRounds - 1));
        return;
      }
      if (sent && this.#failedRounds > 0) {
        // The server is back: what waited out its own backoff goes now.
        this.#failedRounds = 0;
        if (await this.#repo.retryNow(this.#now()) > 0) this.#again = true;
      }
      if (due.length === batch) this.#again = true;
    } while (this.#again);
  }

  async #sendOne(mail: OutboxMail): Promise<'sent' | 'failed' | 'retry'> {
    try {
      const attachments = await this.#repo.attachments(mail.id);
      const { response } = await this.#transport.send({
        to: mail.recipient, subject: mail.subject, text: mail.body, messageId: mail.messageId, ...(attachments.length > 0 ? { attachments } : {}),
      });
      await this.#repo.markSent(mail.id, this.#now(), response);
      return 'sent';
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (isPermanentSmtpError(error)) {
        await this.#repo.markFailed(mail.id, this.#now(), message);
        return 'failed';
      }
      const backoff = Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** Math.min(20, mail.attempts));
      await this.#repo.markRetry(mail.id, this.#now() + backoff, message);
      return 'retry';
    }
  }
}
