import type { PolicySet } from '@mamori/policies';
import type { CollectorHub, IngestedEvent } from '../hub.ts';
import type { MailTransport } from '../notify/mail-transport.ts';
import { Notifier, type NotifierOptions } from '../notify/notifier.ts';
import type { Store } from '../store/store.ts';
import type { IntegrityFinding } from '../store/types.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { alertFoldKey } from '../store/repositories/alerts.ts';
import { isTransientStoreError } from '../store/transient-error.ts';
import { monotonicMs } from '../monotonic.ts';
import { alertFeed } from './alert-feed.ts';
import { OfflineTracker, type TrackerTime } from './offline-tracker.ts';
import { RuleEngine } from './rule-engine.ts';
import type { AlertCandidate, EngineEvent } from './types.ts';

export interface AlertServiceDeps {
  repos: Repositories;
  store: Store;
  hub: CollectorHub;
  /** The policy in force and its changes (PolicyService). */
  policy: { readonly current: PolicySet; onChange(listener: (set: PolicySet) => void): () => void };
  transport: MailTransport;
  /** From address of alert mail. */
  from: string;
  now?: () => number;
  /** Clock for durations (offline time, mail backoff); monotonic unless a test drives it. */
  monotonic?: () => number;
  /** How often the offline rule is checked. */
  offlineCheckMs?: number;
  notifier?: Pick<NotifierOptions, 'retry' | 'tickMs' | 'concurrency'>;
  /**
   * Waits before each new try of an alert write that failed on a transient store error (a lock held for a moment,
   * a PostgreSQL fail-over); after the last the error goes to onError. Default about 15 s in all.
   */
  recordRetryDelaysMs?: readonly number[];
  onError?: (error: unknown) => void;
}

const defaultRecordRetryDelaysMs = [50, 200, 1_000, 3_000, 10_000];

/** Payload object of a decoded event (event.printJob for a print_job …). */
export function payloadOf(event: IngestedEvent['event']): Record<string, unknown> {
  const key = event.payload;
  return (key ? (event as unknown as Record<string, unknown>)[key] : undefined) as Record<string, unknown> ?? {};
}

/** A stored event as the rule engine sees it. */
function engineEventOf({ stored, event }: IngestedEvent): EngineEvent {
  return { id: stored.id, agentId: stored.agentId, pc: stored.pc, user: stored.user, timeMs: stored.timeMs, kind: stored.kind, payload: payloadOf(event) };
}

/**
 * The collector's alerting: subscribes to the hub, runs the rule engine on every stored event, integrity finding
 * and connection change, folds candidates into stored alerts, publishes them on the live feed and hands new ones
 * to the notifier. A failing rule or mail never disturbs ingest.
 */
export class AlertService {
  readonly engine: RuleEngine;
  readonly notifier: Notifier;
  readonly #deps: AlertServiceDeps;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #offline = new OfflineTracker();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #onError: (error: unknown) => void;
  #offlineTimer: NodeJS.Timeout | undefined;

  constructor(deps: AlertServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#monotonic = deps.monotonic ?? monotonicMs;
    this.#onError = deps.onError ?? ((error) => console.error('mamori alerts:', error));
    this.engine = new RuleEngine(deps.policy.current);
    this.notifier = new Notifier(
      { notify: deps.repos.notify, transport: deps.transport, from: deps.from, now: this.#now, monotonic: this.#monotonic, onError: this.#onError, ...deps.notifier },
      deps.policy.current.notifications,
    );
    const onEvents = (events: IngestedEvent[]) => void this.handleEvents(events);
    const onIntegrity = (finding: IntegrityFinding) => {
      let candidates: AlertCandidate[] = [];
      this.#guard(() => { candidates = [this.engine.integrity(finding)]; });
      void this.#record(candidates);
    };
    const onConnection = (change: { agentId: string; pc: string; connected: boolean; timeMs: number }) => this.#offline.connection(change, this.#at(change.timeMs));
    deps.hub.on('events', onEvents);
    deps.hub.on('integrity', onIntegrity);
    deps.hub.on('connection', onConnection);
    this.#unsubscribe.push(
      () => deps.hub.off('events', onEvents), () => deps.hub.off('integrity', onIntegrity), () => deps.hub.off('connection', onConnection),
      deps.policy.onChange((set) => {
        this.engine.setPolicy(set);
        this.notifier.setPolicy(set.notifications);
      }),
    );
  }

  /** Starts the offline timer and mail delivery; `publicUrl` is the console's address used in mail links. */
  async start(publicUrl: string): Promise<void> {
    this.notifier.setPublicUrl(publicUrl);
    const agents = (await this.#deps.store.listAgents()).filter((a) => a.retiredMs === null && !a.connected);
    this.#offline.seed(agents.map((a) => ({ agentId: a.id, pc: a.pc, lastSeen: a.lastSeenMs === null ? null : this.#at(a.lastSeenMs) })), this.#at(this.#now()));
    this.#offlineTimer = setInterval(() => void this.checkOffline(), this.#deps.offlineCheckMs ?? 15_000);
    this.#offlineTimer.unref();
    this.notifier.start();
  }

  async stop(): Promise<void> {
    if (this.#offlineTimer) clearInterval(this.#offlineTimer);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.notifier.stop();
  }

  /** Runs the rules on stored events and records what they raise; resolves once recorded (errors go to onError). */
  handleEvents(events: IngestedEvent[]): Promise<void> {
    const candidates: AlertCandidate[] = [];
    for (const { stored, event } of events) {
      this.#guard(() => {
        candidates.push(...this.engine.evaluate(engineEventOf({ stored, event })));
      });
    }
    return this.#record(candidates);
  }

  /**
   * Rebuilds the threshold windows from the stored evidence before this collector starts evaluating (it became the
   * projection leader, or it starts): the events of the rules' kinds already projected within the longest window go
   * back into the windows, those already counted into an alert as reported, so a window goes on where the former
   * evaluator left it — a person's count survives a leader's death, and what it reported is not reported twice. A
   * window that crosses its threshold with unreported events (the former leader died between projecting them and
   * storing their alert) raises its alert now. Rejects when the database does not answer (the projector retries).
   */
  async rebuildWindows(): Promise<{ events: number }> {
    this.engine.resetWindows();
    const span = this.engine.windowSpan(this.#now());
    if (!span) return { events: 0 };
    const alerted = new Map<number, Set<string>>();
    for (const { ruleId, eventId } of await this.#deps.repos.alertWindows.alertedEvents(span.ruleIds, span.fromMs)) {
      let rules = alerted.get(eventId);
      if (!rules) alerted.set(eventId, (rules = new Set()));
      rules.add(ruleId);
    }
    const none = new Set<string>();
    let events = 0;
    for await (const chunk of this.#deps.repos.alertWindows.projectedEvents({ kinds: span.kinds, fromMs: span.fromMs, chunk: 1_000 })) {
      const candidates: AlertCandidate[] = [];
      for (const { stored, event } of chunk) {
        this.#guard(() => {
          candidates.push(...this.engine.replay(engineEventOf({ stored, event }), alerted.get(stored.id) ?? none));
        });
      }
      events += chunk.length;
      await this.#record(candidates, { rethrow: true });
    }
    return { events };
  }

  /** Records candidates made outside the rule engine (sensor health, risk scores): folded, stored, notified like any other. */
  raise(candidates: AlertCandidate[]): Promise<void> {
    return this.#record(candidates);
  }

  /** Checks for PCs gone offline and records the alerts; resolves once recorded (errors go to onError). */
  async checkOffline(): Promise<void> {
    try {
      const now = this.#now();
      // The directory is read per check (one small table scan every 15 s) so an import takes effect without a restart.
      const directory = await this.#deps.repos.directory.byPc();
      const candidates = this.#offline.check(this.#at(now), this.engine.policy, (pc) => directory.get(pc)?.site ?? '');
      await this.#record(candidates);
      this.engine.sweep(now);
    } catch (error) {
      this.#onError(error);
    }
  }

  async #record(candidates: AlertCandidate[], options: { rethrow?: boolean } = {}): Promise<void> {
    if (candidates.length === 0) return;
    const merged = mergeCandidates(candidates);
    const delays = this.#deps.recordRetryDelaysMs ?? defaultRecordRetryDelaysMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        // One transaction per ingested batch: a burst that fires on every event costs one commit, not one each; and
        // an alert and its queued mails commit together, so a crash cannot keep one and lose the other.
        const alerts = await this.#deps.repos.alerts.record(merged, this.#now(), ({ alert, created, escalatedFrom }, tx) => {
          if (created) this.notifier.alertCreated(alert, tx);
          else if (escalatedFrom) this.notifier.alertEscalated(alert, escalatedFrom, tx);
        });
        const feed = alertFeed(this.#deps.repos);
        for (const alert of alerts) feed.emit('alert', alert);
        return;
      } catch (error) {
        // The transaction rolled back, so trying again records the alert once; giving up at once would lose it,
        // since the events that raised it are already projected and are not evaluated again.
        if (isTransientStoreError(error) && attempt < delays.length) {
          await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
          continue;
        }
        if (options.rethrow) throw error;
        this.#onError(error);
        return;
      }
    }
  }

  /** A wall time as a moment on both clocks (the monotonic one shifted by how long ago that wall time was). */
  #at(wallMs: number): TrackerTime {
    return { wallMs, elapsedMs: this.#monotonic() - (this.#now() - wallMs) };
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#onError(error);
    }
  }
}

/**
 * Folds candidates of one batch that would fold into the same alert anyway (same fold key and severity,
 * within the fold window, or at any distance for candidates that fold while new) before they reach the database: a burst that fires on every event — 500 print jobs
 * over a daily page limit — becomes one fold with 500 events instead of 500 round trips.
 */
export function mergeCandidates(candidates: AlertCandidate[]): AlertCandidate[] {
  const merged: AlertCandidate[] = [];
  const open = new Map<string, AlertCandidate>();
  for (const candidate of candidates) {
    const key = JSON.stringify([alertFoldKey(candidate), candidate.severity]);
    const into = open.get(key);
    const withinWindow = (into: AlertCandidate) => candidate.firstMs <= into.lastMs + into.foldWindowMs && candidate.lastMs >= into.firstMs - into.foldWindowMs;
    if (into && (candidate.foldWhileNew || withinWindow(into))) {
      into.count += candidate.count;
      for (const id of candidate.eventIds) into.eventIds.push(id);
      if (candidate.offlinePcs) into.offlinePcs = [...(into.offlinePcs ?? []), ...candidate.offlinePcs];
      into.firstMs = Math.min(into.firstMs, candidate.firstMs);
      into.lastMs = Math.max(into.lastMs, candidate.lastMs);
      into.title = candidate.title;
      into.titleMessage = candidate.titleMessage;
      continue;
    }
    const copy = { ...candidate, eventIds: [...candidate.eventIds], ...(candidate.offlinePcs ? { offlinePcs: [...candidate.offlinePcs] } : {}) };
    open.set(key, copy);
    merged.push(copy);
  }
  return merged;
}
