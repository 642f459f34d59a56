import { performance } from 'node:perf_hooks';

/** Exponential back-off for one kind of key: `free` failures cost nothing, then base·2^k, up to `maxMs`. */
export interface BackOff {
  free: number;
  baseMs: number;
  maxMs: number;
}

export interface LoginThrottleOptions {
  /** One account at one address: a person mistyping, or a guesser at one account. */
  pair: BackOff;
  /** One address, any accounts: a guesser trying many accounts (or one behind a shared NAT). */
  address: BackOff;
  /** One account, all addresses: a guesser spread over many addresses. Applies only to addresses that failed it. */
  account: BackOff;
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Keys held at most (oldest forgotten first), so made-up names and addresses cannot exhaust memory. */
  maxKeys: number;
  monotonicNow?: () => number;
}

/** OWASP's guidance as defaults: a few free mistakes, then doubling delays, never a permanent lockout. */
export const defaultLoginThrottle: LoginThrottleOptions = {
  pair: { free: 3, baseMs: 1_000, maxMs: 15 * 60_000 },
  address: { free: 10, baseMs: 1_000, maxMs: 15 * 60_000 },
  account: { free: 10, baseMs: 2_000, maxMs: 15 * 60_000 },
  forgetAfterMs: 3_600_000,
  maxKeys: 100_000,
};

interface KeyState {
  failures: number;
  blockedUntilMs: number;
  lastFailureMs: number;
  /** Attempts being checked right now (password hashing takes a while; a burst must not slip through it). */
  inFlight: number;
}

export type LoginVerdict =
  | { allowed: true; attempt: LoginAttempt }
  | { allowed: false; retryAfterMs: number; why: 'address' | 'account' | 'busy' };

/** An admitted attempt: report its outcome exactly once. */
export interface LoginAttempt {
  succeeded(): void;
  failed(): void;
}

/**
 * Sign-in throttling that nobody can turn into a lockout of others: failures back off exponentially per
 * account-at-address, per address, and per account, but the account-wide back-off only holds back addresses that
 * have themselves failed at that account. So a guesser at one address is slowed (then refused with a wait) at that
 * address only, and the right password from an address with no recent failures is never refused. Time is
 * monotonic: moving the wall clock neither lifts nor extends a wait.
 */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #now: () => number;
  /** Map order = least recently touched first, so forgetting and eviction take from the front. */
  readonly #keys = new Map<string, KeyState>();

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...defaultLoginThrottle, ...options };
    this.#now = options.monotonicNow ?? (() => performance.now());
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#keys.size;
  }

  /** Whether an attempt for `username` from `address` may be checked now; if so, report its outcome. */
  begin(username: string, address: string): LoginVerdict {
    const now = this.#now();
    this.#forgetStale(now);
    const pairKey = `p\u0000${username}\u0000${address}`;
    const addressKey = `a\u0000${address}`;
    const accountKey = `u\u0000${username}`;
    const pair = this.#keys.get(pairKey);
    const byAddress = this.#keys.get(addressKey);
    const account = this.#keys.get(accountKey);
    const failedHere = (pair?.failures ?? 0) > 0 || (byAddress?.failures ?? 0) > 0;
    if (failedHere || (byAddress?.inFlight ?? 0) > 0) {
      const addressWait = Math.max(pair?.blockedUntilMs ?? 0, byAddress?.blockedUntilMs ?? 0) - now;
      const accountWait = (pair?.failures ?? 0) > 0 ? (account?.blockedUntilMs ?? 0) - now : 0;
      if (addressWait > 0 || accountWait > 0) {
        return { allowed: false, retryAfterMs: Math.ceil(Math.max(addressWait, accountWait)), why: addressWait >= accountWait ? 'address' : 'account' };
      }
      // Attempts still being checked count as failures-to-be: a burst gets the free allowance, not a free-for-all.
      const pending = byAddress?.inFlight ?? 0;
      if (pending > 0 && ((pair?.failures ?? 0) + (pair?.inFlight ?? 0) >= this.#options.pair.free
        || (byAddress?.failures ?? 0) + pending >= this.#options.address.free)) {
        return { allowed: false, retryAfterMs: 1_000, why: 'busy' };
      }
    }
    const keys = [pairKey, addressKey, accountKey];
    for (const key of keys) this.#touch(key, now).inFlight += 1;
    let done = false;
    const finish = (failed: boolean) => {
      if (done) return;
      done = true;
      const at = this.#now();
      for (const key of keys) {
        const state = this.#touch(key, at);
        state.inFlight = Math.max(0, state.inFlight - 1);
        if (failed) this.#fail(state, key === pairKey ? this.#options.pair : key === addressKey ? this.#options.address : this.#options.account, at);
      }
      // A success clears this account-at-address only: neither the address's nor the account's record, which a
      // guesser holding one valid account (or the real user signing in elsewhere) could otherwise wipe.
      if (!failed) this.#keys.delete(pairKey);
      for (const key of keys) {
        const state = this.#keys.get(key);
        if (state && state.failures === 0 && state.inFlight === 0) this.#keys.delete(key);
      }
    };
    return { allowed: true, attempt: { succeeded: () => finish(false), failed: () => finish(true) } };
  }

  #fail(state: KeyState, backOff: BackOff, now: number): void {
    state.failures += 1;
    state.lastFailureMs = now;
    const over = state.failures - backOff.free;
    if (over > 0) state.blockedUntilMs = now + Math.min(backOff.maxMs, backOff.baseMs * 2 ** Math.min(over - 1, 30));
  }

  #touch(key: string, now: number): KeyState {
    let state = this.#keys.get(key);
    if (state) this.#keys.delete(key);
    else state = { failures: 0, blockedUntilMs: 0, lastFailureMs: now, inFlight: 0 };
    this.#keys.set(key, state);
    while (this.#keys.size > this.#options.maxKeys) this.#keys.delete(this.#keys.keys().next().value!);
    return state;
  }

  #forgetStale(now: number): void {
    for (const [key, state] of this.#keys) {
      if (state.inFlight > 0 || now - state.lastFailureMs < this.#options.forgetAfterMs || state.blockedUntilMs > now) break;
      this.#keys.delete(key);
    }
  }
}
