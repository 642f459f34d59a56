import { monotonicMs } from '../core/monotonic.ts';

/**
 * Token buckets keyed by caller (extension profile, route): a burst is allowed, then `perSecond`. Everything on
 * the loopback endpoint is untrusted input, so every route that does work per request is rate-limited. The
 * clock is a parameter so tests need no waiting; it is monotonic by default (a clock set back must not starve a bucket). Keys are bounded: the least recently used key is forgotten.
 */
export interface RateLimiterOptions {
  burst: number;
  perSecond: number;
  maxKeys?: number;
  now?: () => number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #options: Required<RateLimiterOptions>;

  constructor(options: RateLimiterOptions) {
    this.#options = { maxKeys: 10_000, now: monotonicMs, ...options };
  }

  /** Takes one token for `key`; false when the caller is over its rate. */
  take(key: string): boolean {
    const now = this.#options.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#options.burst, at: now };
    this.#buckets.delete(key);
    bucket.tokens = Math.min(this.#options.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#options.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#options.maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    return allowed;
  }
}
