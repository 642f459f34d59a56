/** Differences between an event's PC time and the collector's receive time below this are ordinary delivery. */
export const clockSkewShownMs = 5 * 60_000;

export type ClockSkew = { direction: 'ahead' | 'late'; ms: number };

/**
 * How far an event's time (the PC's clock) is from when the collector received it, when that is large: an event
 * "from the future" means the PC's clock is ahead; one received long after it happened means the PC's clock is
 * behind (set back) or the event waited in the PC's backlog while offline. Undefined when unremarkable.
 */
export function clockSkew(timeMs: number, receivedMs: number | undefined): ClockSkew | undefined {
  if (receivedMs === undefined || !Number.isFinite(receivedMs)) return undefined;
  const difference = receivedMs - timeMs;
  if (Math.abs(difference) < clockSkewShownMs) return undefined;
  return difference < 0 ? { direction: 'ahead', ms: -difference } : { direction: 'late', ms: difference };
}

/** "2.0 h", "15 min", "3.0 d": enough to judge a clock, not a stopwatch. */
export function skewAmount(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 60_000)} min`;
}
