/**
 * Notices wall-clock jumps (someone setting the PC's clock, e.g. to outlive a time-limited exception) by
 * comparing wall time with the monotonic clock at each tick. `onTick` runs after every comparison (the guard
 * saves the wall time there, for the check across a stop).
 */
export function watchClock(
  onJump: (jumpMs: number) => void,
  options: { tickMs?: number; thresholdMs?: number; onTick?: () => void; wallNow?: () => number } = {},
): () => void {
  const tickMs = options.tickMs ?? 10_000;
  const thresholdMs = options.thresholdMs ?? 60_000;
  const wallNow = options.wallNow ?? Date.now;
  let wall = wallNow();
  let mono = performance.now();
  const timer = setInterval(() => {
    const nowWall = wallNow();
    const nowMono = performance.now();
    const drift = (nowWall - wall) - (nowMono - mono);
    if (Math.abs(drift) > thresholdMs) onJump(Math.round(drift));
    wall = nowWall;
    mono = nowMono;
    options.onTick?.();
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
