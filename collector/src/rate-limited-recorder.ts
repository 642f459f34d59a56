import { performance } from 'node:perf_hooks';

/** One record to write: the first occurrence of a key after a quiet spell, or how many followed it in one window. */
export interface RateLimitedRecord<D> {
  key: string;
  /** True for the first occurrence (written at once); false for a summary of the occurrences a window held back. */
  first: boolean;
  /** Occurrences this record stands for. */
  count: number;
  /** The detail of the latest occurrence it covers. */
  detail: D;
  /** Length of the window a summary covers (ms). */
  windowMs: number;
}

export interface RateLimitedRecorderOptions<D> {
  /** At most one record per key per window (after the first occurrence, which is written at once). */
  windowMs: number;
  /** Keys followed at once; occurrences of further keys are counted together under `overflowKey`. */
  maxKeys: number;
  overflowKey?: string;
  write: (record: RateLimitedRecord<D>) => void;
  /** Monotonic milliseconds: a wall-clock jump must neither open the gates nor hold summaries back. */
  monotonicNow?: () => number;
}

interface KeyState<D> {
  windowEndMs: number;
  pending: number;
  detail: D;
}

/**
 * Records occurrences of something an attacker can repeat at will (failed stream authentications, failed
 * sign-ins) without letting a flood fill the disk: per key, the first occurrence is written at once, then at
 * most one summary with a count per window while it goes on. Memory and records per window are bounded by
 * `maxKeys` (+1 for the overflow key), whatever the number of distinct keys an attacker makes up.
 */
export class RateLimitedRecorder<D> {
  readonly #options: RateLimitedRecorderOptions<D>;
  readonly #now: () => number;
  readonly #keys = new Map<string, KeyState<D>>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RateLimitedRecorderOptions<D>) {
    this.#options = options;
    this.#now = options.monotonicNow ?? (() => performance.now());
    this.#timer = setInterval(() => this.flush(), Math.max(250, Math.min(options.windowMs / 4, 15_000)));
    this.#timer.unref();
  }

  /** Keys currently followed (for tests and metrics). */
  get size(): number {
    return this.#keys.size;
  }

  hit(key: string, detail: D): void {
    const now = this.#now();
    let state = this.#keys.get(key);
    if (state && state.windowEndMs <= now) {
      this.#close(key, state, now);
      state = this.#keys.get(key);
    }
    if (!state && this.#keys.size >= this.#options.maxKeys) {
      key = this.#options.overflowKey ?? '*';
      state = this.#keys.get(key);
    }
    if (state) {
      state.pending += 1;
      state.detail = detail;
      return;
    }
    this.#keys.set(key, { windowEndMs: now + this.#options.windowMs, pending: 0, detail });
    this.#write({ key, first: true, count: 1, detail, windowMs: this.#options.windowMs });
  }

  /** Writes the summaries of windows that have ended; forgets keys that stayed quiet for a whole window. */
  flush(): void {
    const now = this.#now();
    for (const [key, state] of this.#keys) if (state.windowEndMs <= now) this.#close(key, state, now);
  }

  /** Stops the timer and writes every pending summary now (at shutdown, so nothing counted is lost). */
  close(): void {
    clearInterval(this.#timer);
    for (const [key, state] of this.#keys) {
      if (state.pending > 0) this.#write({ key, first: false, count: state.pending, detail: state.detail, windowMs: this.#options.windowMs });
    }
    this.#keys.clear();
  }

  #close(key: string, state: KeyState<D>, now: number): void {
    if (state.pending === 0) {
      this.#keys.delete(key);
      return;
    }
    this.#write({ key, first: false, count: state.pending, detail: state.detail, windowMs: this.#options.windowMs });
    // Still going: the next window counts too, so a steady flood makes one record per window.
    state.pending = 0;
    state.windowEndMs = now + this.#options.windowMs;
  }

  #write(record: RateLimitedRecord<D>): void {
    this.#options.write(record);
  }
}
