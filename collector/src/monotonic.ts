/**
 * Milliseconds on a clock that only moves forward at a steady rate, whatever happens to the server's wall clock.
 * Durations held in memory — timeouts, backoff pauses, session lifetimes, "offline for N minutes" — use it; wall
 * time (Date.now) is for timestamps that are stored or shown.
 */
export const monotonicMs = (): number => performance.now();
