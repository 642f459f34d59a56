import type { CollectorHub } from '../hub.ts';
import type { Store } from '../store/store.ts';
import { isTransientStoreError } from '../store/transient-error.ts';

/** Ingest counts as busy when a batch was stored this recently. */
const INGEST_QUIET_MS = 50;
/** A pause never exceeds this, so alerts keep flowing during a flood. */
const MAX_PAUSE_MS = 100;
/** Back-off after a failed pass: a busy database clears in moments, anything else is retried slowly. */
const TRANSIENT_RETRY = { firstMs: 20, maxMs: 1_000 };
const OTHER_RETRY = { firstMs: 1_000, maxMs: 30_000 };
/**
 * Events per pass on PostgreSQL. A pass there costs ~15 round trips and a durable commit whatever its size, and the
 * thread is free while the server works (every statement is an await), so the socket reads the small SQLite chunk
 * protects happen anyway. bench:projection, 50,000 events of the mix: 100 per pass 2.3k events/s, 1,000 8.0k/s; larger
 * passes gained little more (2,000: +20 %, 5,000: +29 % in a 20k run) and hold the pass's rows and cursor lock longer.
 */
export const POSTGRES_PROJECTION_CHUNK = 1_000;

/**
 * Turns stored evidence into everything derived from it — the per-kind query tables (through the store's
 * indexers) and the hub's 'events' (alerts, live views) — after ingest has stored and acknowledged it. Ingest
 * stays fast (evidence only); projection runs in chunks, yields between them so streams are not starved, and
 * resumes from its persisted cursor after a crash, so every event is projected exactly once.
 *
 * Taking evidence off the agents comes first: while batches keep arriving, projection takes at most `busyShare`
 * of the thread (it pauses after each chunk in proportion to the chunk's cost) and the rest goes to ingest; as
 * soon as ingest is quiet it runs flat out. At ordinary loads that is no delay at all; during a flood, query
 * tables and alerts lag behind the evidence and catch up when it ends.
 *
 * A failed pass (the database is locked by another connection, …) is retried after a growing pause, without
 * waiting for new input: nothing is projected twice, since a pass commits its rows and the cursor together or
 * not at all. stop() ends projection after the chunk in hand; the backlog resumes from the cursor at next start.
 */
export class Projector {
  readonly #store: Store;
  readonly #hub: CollectorHub;
  readonly #chunk: number;
  readonly #onError: (error: unknown) => void;
  readonly #busyShare: number;
  #running: Promise<void> | undefined;
  #again = false;
  #lastStoredAt = -Infinity;
  #stopped = false;
  /** Only the leader projects (PostgreSQL: one collector of several; SQLite: always this one). */
  #leader: boolean;
  /** Cuts a back-off pause short when stop() is called. */
  #wake: (() => void) | undefined;
  readonly #beforeLeading: (() => Promise<unknown>) | undefined;
  /** Counts the leaderships this projector gained; `beforeLeading` has run for the one numbered `#preparedTerm`. */
  #term = 0;
  #preparedTerm = -1;

  /**
   * `beforeLeading` runs before the first pass of each leadership (and of the first start): the alert windows are
   * rebuilt from what the former leader projected, so they go on where its windows stopped. It is retried like a
   * failed pass until it succeeds; nothing is projected before.
   */
  constructor(store: Store, hub: CollectorHub, options: {
    chunk?: number; busyShare?: number; leader?: boolean; onError?: (error: unknown) => void; beforeLeading?: () => Promise<unknown>;
  } = {}) {
    this.#store = store;
    this.#leader = options.leader ?? true;
    this.#beforeLeading = options.beforeLeading;
    this.#hub = hub;
    // Small chunks (~7 ms each): between two chunks the event loop reads the sockets, which is what opens the
    // agents' HTTP/2 flow-control windows; with 500-event chunks one stream could only send ~1 batch per chunk.
    this.#chunk = options.chunk ?? 100;
    this.#busyShare = options.busyShare ?? 0.05;
    this.#onError = options.onError ?? ((error) => process.stderr.write(`projector: ${(error as Error).message} (will retry)\n`));
  }

  /**
   * Gains or loses the projection leadership. A new leader catches up from the shared cursor at once; a former one
   * stops after the chunk in hand (that chunk's commit still takes the cursor row lock, so it cannot repeat events).
   */
  setLeader(leader: boolean): void {
    if (leader && !this.#leader) this.#term += 1;
    this.#leader = leader;
    if (leader) this.notify();
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** New events were stored: project them soon (coalesces many calls into one pass). */
  notify = (): void => {
    this.#lastStoredAt = performance.now();
    if (this.#stopped || !this.#leader) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.notify();
      }
    });
  };

  /** Resolves when everything stored so far is projected (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops after the chunk in hand (not after the whole backlog); what is left is projected at next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.idle();
  }

  /** Lets the sockets be read between chunks; while ingest is busy, also leaves it (1 − busyShare) of the time. */
  async #yieldToIngest(chunkStarted: number): Promise<void> {
    const now = performance.now();
    const ingestBusy = now - this.#lastStoredAt < INGEST_QUIET_MS;
    const pause = ingestBusy ? ((now - chunkStarted) * (1 - this.#busyShare)) / this.#busyShare : 0;
    if (pause >= 1) await new Promise((resolve) => setTimeout(resolve, Math.min(pause, MAX_PAUSE_MS)));
    else await new Promise((resolve) => setImmediate(resolve));
  }

  /** Waits `ms` (setTimeout runs on the monotonic clock, so a wall-clock jump neither stretches nor skips it). */
  async #pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.#wake = undefined; resolve(); }, ms);
      this.#wake = () => { clearTimeout(timer); this.#wake = undefined; resolve(); };
    });
  }

  async #run(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    let failures = 0;
    while (!this.#stopped && this.#leader) {
      const started = performance.now();
      let pass;
      try {
        if (this.#preparedTerm !== this.#term) {
          // A leadership lost and regained during the call needs another: its windows miss the other leader's events.
          const term = this.#term;
          await this.#beforeLeading?.();
          this.#preparedTerm = term;
          continue;
        }
        pass = await this.#store.projectPending(this.#chunk);
        failures = 0;
      } catch (error) {
        this.#onError(error);
        const retry = isTransientStoreError(error) ? TRANSIENT_RETRY : OTHER_RETRY;
        await this.#pause(Math.min(retry.firstMs * 2 ** failures, retry.maxMs));
        failures += 1;
        continue;
      }
      if (pass.events.length === 0 && pass.findings.length === 0) return;
      try {
        for (const finding of pass.findings) this.#hub.emit('integrity', finding);
        if (pass.events.length > 0) this.#hub.emit('events', pass.events);
      } catch (error) {
        this.#onError(error);
      }
      await this.#yieldToIngest(started);
    }
  }
}
