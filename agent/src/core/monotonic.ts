/**
 * Milliseconds on a clock that only moves forward at a steady rate (unaffected by anyone setting the PC's wall
 * clock). Every duration — timer, backoff, rate limit, cache age — is measured with this; wall time (Date.now)
 * is only for timestamps people read.
 */
export const monotonicMs = (): number => performance.now();
