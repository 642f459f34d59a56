import type { CollectorHub } from '../hub.ts';
import type { Store } from '../store/store.ts';

/**
 * Turns stored evidence into everything derived from it — the per-kind query tables (through the store's
 * indexers) and the hub's 'events' (alerts, live views) — after ingest has stored and acknowledged it. Ingest
 * stays fast (evidence only); projection runs in larger transactions, yields between chunks so streams are not
 * starved, and resumes from its persisted cursor after a crash, so every event is projected exactly once.
 */
export class Projector {
  readonly #store: Store;
  readonly #hub: CollectorHub;
  readonly #chunk: number;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(store: Store, hub: CollectorHub, options: { chunk?: number; onError?: (error: unknown) => void } = {}) {
    this.#store = store;
    this.#hub = hub;
    // Small chunks (~7 ms each): between two chunks the event loop reads the sockets, which is what opens the
    // agents' HTTP/2 flow-control windows; with 500-event chunks one stream could only send ~1 batch per chunk.
    this.#chunk = options.chunk ?? 100;
    this.#onError = options.onError ?? ((error) => process.stderr.write(`projector: ${(error as Error).message}\n`));
  }

  /** New events were stored: project them soon (coalesces many calls into one pass). */
  notify = (): void => {
    if (this.#stopped) return;
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

  async stop(): Promise<void> {
    await this.idle();
    this.#stopped = true;
  }

  async #run(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      let projected;
      try {
        projected = await this.#store.projectPending(this.#chunk);
      } catch (error) {
        this.#onError(error);
        return;
      }
      if (projected.length === 0) return;
      try {
        this.#hub.emit('events', projected);
      } catch (error) {
        this.#onError(error);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
