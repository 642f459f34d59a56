import { decodeEvent, type Event__Output } from '@mamori/proto';
import type { PolicySet } from '@mamori/policies';
import type { AlertCandidate } from '../alerts/types.ts';
import type { CollectorHub, IngestedEvent } from '../hub.ts';
import type { Repositories } from '../store/repositories/index.ts';
import type { RiskDayScore, RiskObservation } from '../store/repositories/risk.ts';
import type { StoredEvent } from '../store/types.ts';
import { AttendanceBook } from './attendance.ts';
import { dayDate, dayNumber } from './days.ts';
import { RiskObserver } from './observe.ts';
import { RiskScorer } from './scorer.ts';

/** What a full recompute did: events read, observations made, and the time spent reading, scoring and writing. */
export interface RecomputeResult {
  events: number;
  observations: number;
  readMs: number;
  scoreMs: number;
  writeMs: number;
}

export interface RiskServiceDeps {
  repos: Repositories;
  /** The policy in force and its changes (PolicyService). */
  policy: { readonly current: PolicySet; onChange(listener: (set: PolicySet) => void): () => void };
  /** Absent: nothing is taken in from the projector (a test or the benchmark drives `take`). */
  hub?: CollectorHub;
  /** Hands risk alerts to the alert machinery (fold, store, mail); absent: no alerts. */
  raiseAlerts?: (candidates: AlertCandidate[]) => void;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * An event's place in the order risk takes events in, which its cursor counts: the id on SQLite, the export position
 * on PostgreSQL (ids there are taken before commit, so a lower id can still arrive after a higher one was scored).
 */
function orderOf(stored: StoredEvent): number {
  return stored.position ?? stored.id;
}

/** How often a running service looks for an attendance import made by another process. */
const attendancePollMs = 30_000;
/** Events read per page when catching up or recomputing. */
const pageSize = 5_000;
/** A backlog of at least this many events at start is rebuilt by a full recompute. */
const catchUpByRecomputeAfter = 50_000;
/** Taken events are scored, and changed rows written, at most this long after they were taken… */
const settleBehindMs = 250;
/** …or at once when this many observations wait to be scored… */
const scoreBatchRows = 20_000;
/** …or this many rows wait to be written. */
const writeBehindRows = 20_000;

/**
 * Risk scores kept current from the projector's decoded events (incremental), rebuilt on demand from the stored
 * evidence (full recompute: the same numbers). Restart reloads the scorer from the stored observations and then
 * catches up on events stored after its cursor, so nothing the projector handed over while it was down is missed.
 */
export class RiskService {
  readonly #deps: RiskServiceDeps;
  readonly #now: () => number;
  #policy: PolicySet;
  #observer!: RiskObserver;
  #scorer: RiskScorer | undefined;
  #cursor = 0;
  /** The last integrity finding id taken in (findings have their own ids; see `#takeFindings`). */
  #findingCursor = 0;
  #departments = new Map<string, { department: string; site: string }>();
  #attendance = new AttendanceBook([], 0);
  /** The attendance import last read (another process, e.g. the CLI, may import while this one runs). */
  #attendanceStamp = '';
  #attendanceTimer: NodeJS.Timeout | undefined;
  /** Serialises takes, recomputes and reloads (the repository is async). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #raised = new Set<string>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: RiskServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#policy = deps.policy.current;
  }

  /** Loads state and starts taking the projector's events; resolves when caught up with stored evidence. */
  async start(): Promise<void> {
    // Queued before any take, so the projector's passes wait until the stored backlog is in (no gap between them).
    const ready = this.#serial(async () => {
      // The pseudonym key exists before anything reads it read-only (a report built off-thread cannot make it).
      await this.#deps.repos.risk.pseudonymSecret();
      await this.#reload();
      // A long backlog (first start on an existing store, a long stop) is cheaper rebuilt in one pass than taken in
      // chunks; the numbers are the same either way.
      if (await this.#backlogAtLeast(catchUpByRecomputeAfter)) await this.#recomputeAll();
      else await this.#catchUp();
      await this.#takeFindings();
    });
    if (this.#deps.hub) {
      const onEvents = (events: IngestedEvent[]) => void this.take(events).catch((error: unknown) => this.#onError(error));
      this.#deps.hub.on('events', onEvents);
      // A finding is recorded before it is announced, so reading past the cursor finds it (and any the hub missed).
      const onFinding = () => void this.#serial(() => this.#takeFindings()).catch((error: unknown) => this.#onError(error));
      this.#deps.hub.on('integrity', onFinding);
      this.#unsubscribe.push(() => {
        this.#deps.hub!.off('events', onEvents);
        this.#deps.hub!.off('integrity', onFinding);
      });
    }
    // New weights or calendars change every score: rebuild from the evidence.
    this.#unsubscribe.push(this.#deps.policy.onChange((set) => {
      this.#policy = set;
      void this.recomputeAll().catch((error: unknown) => this.#onError(error));
    }));
    await ready;
    // An import by the CLI (another process) reaches a running collector within this interval.
    this.#attendanceTimer = setInterval(() => void this.attendanceChanged().catch((error: unknown) => this.#onError(error)), attendancePollMs);
    this.#attendanceTimer.unref();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#attendanceTimer);
    await this.persisted();
  }

  get policy(): PolicySet {
    return this.#policy;
  }

  /** The decay per day of scores (ranking decays a person's last score to the day asked). */
  get decayPerDay(): number {
    return 0.5 ** (1 / this.#policy.risk.half_life_days);
  }

  /**
   * Takes projected events (the projector's pass, in storage order); events already taken are skipped. Returns the
   * day scores this take changed — nothing when its observations wait to be scored with the next ones (at most
   * `settleBehindMs`): a flush rescores each touched person-day whole, so scoring every small pass made one busy PC's
   * day quadratic (a PC copying 200,000 files held projection under 1,000 events/s).
   */
  async take(events: { stored: StoredEvent; event: Event__Output }[]): Promise<{ persons: RiskDayScore[]; pcs: RiskDayScore[] }> {
    return this.#serial(() => this.#take(events));
  }

  /** Rebuilds every observation and score from the stored events; returns counts and where the time went (ms). */
  async recomputeAll(): Promise<RecomputeResult> {
    return this.#serial(() => this.#recomputeAll());
  }

  async #recomputeAll(): Promise<RecomputeResult> {
    try {
      return await this.#rebuild();
    } catch (error) {
      // The stored scores are intact (one transaction): back to them, and to what was stored after their cursor.
      await this.#reload();
      await this.#catchUp();
      throw error;
    }
  }

  async #rebuild(): Promise<RecomputeResult> {
    const started = performance.now();
    this.#pending = { observations: [], persons: new Map(), pcs: new Map(), cursor: 0, rows: 0 };
    this.#unscored = [];
    // The old scorer holds every observation and breakdown: kept while the new ones are read, it doubled the heap
    // that every major GC walks (at 3,000 people reading took twice the scan, against 1.3× at 1,000).
    this.#scorer = undefined;
    this.#departments = await this.#deps.repos.risk.departmentsByPc();
    await this.#loadAttendance();
    this.#observer = this.#newObserver();
    const observations: RiskObservation[] = [];
    let cursor = 0;
    let events = 0;
    for (;;) {
      const page = await this.#deps.repos.risk.eventsAfter(cursor, pageSize);
      if (page.length === 0) break;
      for (const stored of page) {
        const observation = this.#observeStored(stored);
        if (observation) observations.push(observation);
      }
      events += page.length;
      cursor = orderOf(page.at(-1)!);
    }
    this.#findingCursor = 0;
    for (const observation of await this.#readFindings()) observations.push(observation);
    const read = performance.now();
    this.#scorer = new RiskScorer(this.#policy.risk, (pc) => this.#departmentOf(pc), await this.#deps.repos.risk.listDeparting(), await this.#deps.repos.risk.listSuppressions());
    this.#scorer.add(observations, { full: true });
    const { persons, pcs } = this.#scorer.flush();
    const scored = performance.now();
    await this.#deps.repos.risk.replaceAll({ observations, persons, pcs, cursor });
    this.#cursor = cursor;
    const written = performance.now();
    return {
      events, observations: observations.length,
      readMs: Math.round(read - started), scoreMs: Math.round(scored - read), writeMs: Math.round(written - scored),
    };
  }

  /** After an HR import: the departing list changed, the people concerned are rescored. */
  async departingChanged(): Promise<void> {
    await this.#serial(async () => {
      this.#scorer?.setDeparting(await this.#deps.repos.risk.listDeparting());
      this.#score();
      await this.#persist();
    });
  }

  /**
   * After an attendance import: off-hours is judged anew for the stored events, so everything is rebuilt from the
   * evidence (the same path as a policy change). No-op when nothing was imported since the last read.
   */
  async attendanceChanged(): Promise<RecomputeResult | undefined> {
    return this.#serial(async () => ((await this.#deps.repos.risk.attendanceStamp()) === this.#attendanceStamp ? undefined : this.#recomputeAll()));
  }

  async #loadAttendance(): Promise<void> {
    const repo = this.#deps.repos.risk;
    this.#attendanceStamp = await repo.attendanceStamp();
    this.#attendance = new AttendanceBook(await repo.listAttendance(), this.#policy.risk.attendance.margin_minutes);
  }

  /** After a suppression was added: the person is rescored without the suppressed indicator. */
  async suppressionsChanged(): Promise<void> {
    await this.#serial(async () => {
      this.#scorer?.setSuppressions(await this.#deps.repos.risk.listSuppressions());
      this.#score();
      await this.#persist();
    });
  }

  async #reload(): Promise<void> {
    const repo = this.#deps.repos.risk;
    this.#departments = await repo.departmentsByPc();
    await this.#loadAttendance();
    this.#observer = this.#newObserver();
    this.#scorer = new RiskScorer(this.#policy.risk, (pc) => this.#departmentOf(pc), await repo.listDeparting(), await repo.listSuppressions());
    this.#unscored = [];
    const stored = await repo.observationsFrom(Number.MIN_SAFE_INTEGER);
    this.#scorer.add(stored, { full: true });
    this.#scorer.flush();
    this.#cursor = await repo.cursor();
    // Findings taken are stored as observations (eventId = -finding id); later ones, and uncounted kinds, are read again.
    this.#findingCursor = 0;
    for (const observation of stored) if (observation.signal === 'integrity') this.#findingCursor = Math.max(this.#findingCursor, -observation.eventId);
  }

  /** Observations of the integrity findings recorded after the finding cursor (which moves past them). */
  async #readFindings(): Promise<RiskObservation[]> {
    const observations: RiskObservation[] = [];
    for (;;) {
      const page = await this.#deps.repos.risk.integrityFindingsAfter(this.#findingCursor, pageSize);
      if (page.length === 0) break;
      this.#findingCursor = page.at(-1)!.id;
      if (!this.#policy.risk.enabled) continue;
      for (const finding of page) {
        const observation = this.#observer.observeFinding(finding);
        if (observation) observations.push(observation);
      }
    }
    return observations;
  }

  /** Takes new integrity findings in: scored and written with the next settle, like the projector's events. */
  async #takeFindings(): Promise<void> {
    const observations = await this.#readFindings();
    if (observations.length === 0) return;
    for (const observation of observations) {
      this.#unscored.push(observation);
      this.#scoredAgents.add(observation.agentId);
    }
    this.#settleSoon();
  }

  /** Positions only grow, so an event past cursor + count means a backlog of about that many (deleted rows aside). */
  async #backlogAtLeast(count: number): Promise<boolean> {
    return (await this.#deps.repos.risk.eventsAfter(this.#cursor + count - 1, 1)).length > 0;
  }

  /** Takes the events stored after the cursor (stored while the service was not running). */
  async #catchUp(): Promise<void> {
    const repo = this.#deps.repos.risk;
    for (;;) {
      const page = await repo.eventsAfter(this.#cursor, pageSize);
      if (page.length === 0) break;
      const decoded: { stored: StoredEvent; event: Event__Output }[] = [];
      for (const stored of page) {
        try {
          decoded.push({ stored, event: decodeEvent(stored.bytes) });
        } catch {
          // an undecodable payload is the projector's finding; nothing to score
        }
      }
      await this.#take(decoded, orderOf(page.at(-1)!));
    }
  }

  async #take(events: { stored: StoredEvent; event: Event__Output }[], through?: number): Promise<{ persons: RiskDayScore[]; pcs: RiskDayScore[] }> {
    const observations: RiskObservation[] = [];
    let cursor = this.#cursor;
    for (const { stored, event } of events) {
      const order = orderOf(stored);
      if (order <= this.#cursor) continue;
      cursor = Math.max(cursor, order);
      if (!this.#policy.risk.enabled) continue;
      const observation = this.#observer.observe(stored, event);
      if (observation) {
        observations.push(observation);
        this.#scoredAgents.add(stored.agentId);
      }
    }
    cursor = Math.max(cursor, through ?? 0);
    if (cursor === this.#cursor) return { persons: [], pcs: [] };
    this.#cursor = cursor;
    for (const observation of observations) this.#unscored.push(observation);
    if (through === undefined && this.#unscored.length < scoreBatchRows) {
      this.#settleSoon();
      return { persons: [], pcs: [] };
    }
    const change = this.#score();
    if (this.#pending.rows >= writeBehindRows || through !== undefined) await this.#persist();
    else this.#settleSoon();
    return change;
  }

  /** Observations taken but not yet scored (their events are past `#cursor`, so `#score` pends that cursor). */
  #unscored: RiskObservation[] = [];

  /** Scores what was taken since the last scoring, queues the changed rows for writing, and raises alerts. */
  #score(): { persons: RiskDayScore[]; pcs: RiskDayScore[] } {
    // Never started (a CLI command builds the app and closes it without listening): nothing was taken, nothing to score.
    if (this.#scorer === undefined) return { persons: [], pcs: [] };
    const observations = this.#unscored;
    this.#unscored = [];
    this.#scorer.add(observations);
    const change = this.#scorer.flush();
    this.#pend(observations, change, this.#cursor);
    this.#alert(change.persons);
    return change;
  }

  /**
   * Scores are written behind: the changes of several projector passes go to the database in one transaction (a
   * commit costs more than scoring a pass). A crash loses only what is not yet written, and the stored cursor
   * lags with it, so the restart's catch-up takes those events again.
   */
  #pending = { observations: [] as RiskObservation[], persons: new Map<string, RiskDayScore>(), pcs: new Map<string, RiskDayScore>(), cursor: 0, rows: 0 };
  #timer: NodeJS.Timeout | undefined;

  #pend(observations: RiskObservation[], change: { persons: RiskDayScore[]; pcs: RiskDayScore[] }, cursor: number): void {
    const pending = this.#pending;
    for (const observation of observations) pending.observations.push(observation);
    for (const row of change.persons) pending.persons.set(`${row.subject}\n${row.day}`, row);
    for (const row of change.pcs) pending.pcs.set(`${row.subject}\n${row.day}`, row);
    pending.cursor = cursor;
    pending.rows += observations.length + change.persons.length + change.pcs.length;
  }

  #settleSoon(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#serial(async () => {
        this.#score();
        await this.#persist();
      }).catch((error: unknown) => this.#onError(error));
    }, settleBehindMs);
    this.#timer.unref();
  }

  async #persist(): Promise<void> {
    const pending = this.#pending;
    if (pending.rows === 0 && pending.cursor === 0) return;
    this.#pending = { observations: [], persons: new Map(), pcs: new Map(), cursor: 0, rows: 0 };
    await this.#deps.repos.risk.saveIncrement({ observations: pending.observations, persons: [...pending.persons.values()], pcs: [...pending.pcs.values()], cursor: pending.cursor });
    // Taken events are scored before every write, so these agents' scores are now stored: their views can be sent.
    if (this.#scoredAgents.size > 0) {
      const agentIds = [...this.#scoredAgents];
      this.#scoredAgents.clear();
      this.#deps.hub?.emit('riskScored', { agentIds });
    }
  }

  /** Agents whose events made observations since the last write. */
  readonly #scoredAgents = new Set<string>();

  /** Resolves when every event taken so far is scored and written (tests, benchmark, shutdown). */
  async persisted(): Promise<void> {
    await this.#serial(async () => {
      this.#score();
      await this.#persist();
    });
  }

  /** A person's score reaching the threshold, or a day jumping, today or yesterday: one alert per person and day. */
  #alert(rows: RiskDayScore[]): void {
    const rule = this.#policy.risk.alerts;
    if (!this.#deps.raiseAlerts || !rule.enabled) return;
    const today = dayNumber(new Date(this.#now()).toISOString().slice(0, 10));
    const candidates: AlertCandidate[] = [];
    // Only today's and yesterday's person-days can alert: forget older ones so the set stays small.
    for (const key of this.#raised) if (Number(key.slice(key.lastIndexOf('\n') + 1)) < today - 1) this.#raised.delete(key);
    for (const row of rows) {
      if (row.day < today - 1) continue;
      const jumped = row.raw >= rule.jump;
      if (row.score < rule.threshold && !jumped) continue;
      const key = `${row.subject}\n${row.day}`;
      if (this.#raised.has(key)) continue;
      this.#raised.add(key);
      const top = row.contributions[0];
      const events = row.contributions.flatMap((c) => c.events);
      candidates.push({
        ruleId: 'risk_score', ruleName: 'Risk score', kind: 'risk_score', severity: rule.severity,
        color: this.#policy.alerts.colors[rule.severity], pc: events[0]?.pc ?? '', user: row.subject, agentId: events[0]?.agentId ?? '',
        title: `Risk score ${Math.round(row.score)}${jumped ? ` (+${Math.round(row.raw)} on ${dayDate(row.day)})` : ''}: ${top?.detail ?? ''}`,
        titleMessage: jumped
          ? { key: 'alert.riskJump', params: { score: Math.round(row.score), raw: Math.round(row.raw), day: dayDate(row.day), detail: top?.detail ?? '' } }
          : { key: 'alert.risk', params: { score: Math.round(row.score), detail: top?.detail ?? '' } },
        firstMs: events[0]?.timeMs ?? this.#now(), lastMs: events.at(-1)?.timeMs ?? this.#now(), count: 1,
        // Integrity findings (negative ids) are not stored events.
        eventIds: [...new Set(events.filter((e) => e.eventId > 0).map((e) => e.eventId))].slice(0, 50),
        // One alert per person and day, whichever PCs the day's events came from.
        foldWindowMs: 86_400_000, foldGroup: `risk ${dayDate(row.day)}`,
      });
    }
    if (candidates.length > 0) this.#deps.raiseAlerts(candidates);
  }

  #observeStored(stored: StoredEvent): RiskObservation | undefined {
    let event: Event__Output;
    try {
      event = decodeEvent(stored.bytes);
    } catch {
      return undefined;
    }
    return this.#observer.observe(stored, event);
  }

  #newObserver(): RiskObserver {
    return new RiskObserver(this.#policy, (pc) => this.#departments.get(pc)?.site ?? '', this.#attendance);
  }

  #departmentOf(pc: string): string {
    return this.#departments.get(pc)?.department ?? '';
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #onError(error: unknown): void {
    (this.#deps.onError ?? ((e) => process.stderr.write(`mamori risk: ${(e as Error).message}\n`)))(error);
  }
}
