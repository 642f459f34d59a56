/**
 * The uplink's reconnect schedule: capped exponential backoff with "equal jitter" — half the ceiling fixed, half
 * random — so PCs that lost the collector together (a collector restart) do not all come back in the same instant,
 * while none retries sooner than half its ceiling.
 *
 * The cap is 15 s, not 60 s: a restart keeps agents failing for the seconds the collector is down, which already
 * drives every one of them to the cap; with a 60 s cap a restart left PCs unconnected for up to a minute after the
 * collector was back (bench:connections: 75.6 s to reconnect 500 agents). 15 s still spreads 20,000 agents'
 * returns over 7.5 s (~2,700 handshakes/s at most, which queue in the listen backlog rather than fail), and while
 * a collector stays down the channel's own connection backoff (client.ts, up to 10 s) bounds the TCP attempts.
 */
export const DEFAULT_BACKOFF_INITIAL_MS = 500;
export const DEFAULT_BACKOFF_MAX_MS = 15_000;

/** Doublings stop growing the ceiling long before this; it only keeps 2 ** attempt finite. */
export const MAX_BACKOFF_ATTEMPT = 20;

/** The delay before reconnect attempt `attempt` (0 for the first retry after a lost stream), in ms. */
export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, MAX_BACKOFF_ATTEMPT));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
