import { randomUUID } from 'node:crypto';
import type { PolicySet } from '@mamori/policies';
import { domainOf } from '../alerts/allow-list.ts';
import { localTime } from '../alerts/calendar.ts';
import type { Repositories } from '../store/repositories/index.ts';
import type { NewOutboxMail } from '../store/repositories/notify.ts';
import type { RiskDigestSubscription } from '../store/repositories/risk-digest.ts';
import { dayDate, dayNumber } from './days.ts';
import { personNamer } from './pseudonym.ts';
import { decayedScore } from './ranking.ts';

/** A person whose score rose over a day, with the explanation of that day's biggest indicator. */
export interface RiskMover {
  person: string;
  department: string;
  score: number;
  change: number;
  indicator: string;
  detail: string;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Everyone whose score on `day` is above the day before (decayed scores, as the ranking shows them), biggest rise
 * first. A rise needs points added that day, so each mover has a row of that day to explain it.
 */
export async function findMovers(repos: Repositories, day: number, decayPerDay: number): Promise<RiskMover[]> {
  const before = new Map((await repos.risk.latestPersonRows(day - 1)).map((row) => [row.person, row]));
  const rising = (await repos.risk.latestPersonRows(day))
    .filter((row) => row.day === day)
    .map((row) => {
      const score = decayedScore(row, day, decayPerDay);
      return { person: row.person, department: row.department, score, change: score - decayedScore(before.get(row.person), day - 1, decayPerDay) };
    })
    .filter((mover) => mover.change > 0)
    .sort((a, b) => b.change - a.change || (a.person < b.person ? -1 : 1));
  const movers: RiskMover[] = [];
  for (const mover of rising) {
    const top = (await repos.risk.personDays(mover.person, day, day))[0]?.contributions[0];
    movers.push({ ...mover, indicator: top?.indicator ?? '', detail: top?.detail ?? '' });
  }
  return movers;
}

/** One subscriber's digest mail, or undefined when nobody in their scope rose. */
export function composeDigestMail(
  subscription: RiskDigestSubscription, movers: RiskMover[], options: { day: number; timezone: string; top: number; show: (person: string) => string; publicUrl: string },
): { subject: string; body: string } | undefined {
  const listed = movers.filter((m) => !subscription.department || m.department === subscription.department).slice(0, options.top);
  if (listed.length === 0) return undefined;
  const date = dayDate(options.day);
  const base = options.publicUrl.replace(/\/+$/, '');
  const lines = [
    'Mamori リスクスコア上昇者（日次） / Daily digest of risk movers',
    `対象日 Day: ${date} (${options.timezone})`,
    `部署 Department: ${subscription.department || '全部署 all'}`,
    '',
    ...listed.flatMap((m, i) => [
      `${i + 1}. ${options.show(m.person)}${m.department ? ` (${m.department})` : ''}  スコア score ${round(m.score)} (+${round(m.change)})`,
      `   理由 Why: ${m.indicator}: ${m.detail}`,
      // The console routes by hash; a hash link opens the person page without any server-side route.
      `   ${base}/#/risk/${encodeURIComponent(options.show(m.person))}`,
    ]),
    '',
    '配信停止はMamoriの管理者へ / To unsubscribe, ask a Mamori administrator.',
  ];
  return {
    subject: `[Mamori] リスク上昇者 ${date}: ${listed.length}名 (最大 +${round(listed[0]!.change)})`,
    body: `${lines.join('\n')}\n`,
  };
}

export interface RiskDigestDeps {
  repos: Repositories;
  policy: () => PolicySet;
  /** Score decay per day (the risk service's, from the policy in force). */
  decayPerDay: () => number;
  from: string;
  publicUrl: () => string;
  now?: () => number;
  /** Mails were queued: deliver now rather than at the notifier's next tick. */
  onQueued?: () => void;
  onError?: (error: unknown) => void;
}

/**
 * Queues the daily digest of risk movers once per local day at the policy's time (risk.digest), through the
 * collector's mail outbox (retried until the SMTP server takes it). It covers the day before, which is complete by
 * then. A collector that was down at that time queues it when it comes back the same day.
 */
export class RiskDigest {
  readonly #deps: RiskDigestDeps;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(deps: RiskDigestDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  start(tickMs = 60_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runDue().catch((error: unknown) => (this.#deps.onError ?? (() => undefined))(error)), tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => undefined);
  }

  /** Queues today's digest if its time has come and it is not queued yet; returns what was queued. */
  runDue(): Promise<{ date: string; mails: number } | undefined> {
    const run = this.#running.catch(() => undefined).then(() => this.#runDue());
    this.#running = run;
    return run;
  }

  async #runDue(): Promise<{ date: string; mails: number } | undefined> {
    const policy = this.#deps.policy();
    const rule = policy.risk.digest;
    if (!policy.risk.enabled || !rule.enabled) return undefined;
    const timezone = rule.timezone ?? policy.alerts.calendar.timezone;
    const nowMs = this.#now();
    const local = localTime(nowMs, timezone);
    const [hh, mm] = rule.time.split(':').map(Number);
    if (local.minutes < hh! * 60 + mm!) return undefined;
    const repo = this.#deps.repos.riskDigest;
    if (await repo.queued(local.date)) return undefined;
    const subscriptions = await repo.list();
    const day = dayNumber(local.date) - 1;
    const movers = subscriptions.length > 0 ? await findMovers(this.#deps.repos, day, this.#deps.decayPerDay()) : [];
    const show = personNamer(policy.risk.privacy.pseudonymise, await this.#deps.repos.risk.pseudonymSecret(), await this.#deps.repos.risk.revealedPersons());
    const domain = domainOf(this.#deps.from) || 'mamori.invalid';
    const mails: NewOutboxMail[] = [];
    for (const subscription of subscriptions) {
      const mail = composeDigestMail(subscription, movers, { day, timezone, top: rule.top, show, publicUrl: this.#deps.publicUrl() });
      if (!mail) continue;
      mails.push({ recipient: subscription.email, kind: 'digest', ...mail, alertIds: [], createdMs: nowMs, messageId: `<${randomUUID()}@${domain}>` });
    }
    if (!(await repo.queueDay(local.date, mails, nowMs))) return undefined;
    if (mails.length > 0) this.#deps.onQueued?.();
    return { date: local.date, mails: mails.length };
  }
}
