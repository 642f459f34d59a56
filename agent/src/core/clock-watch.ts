/**
 * Notices wall-clock jumps (someone setting the PC's clock, e.g. to outlive a time-limited exception) by
 * comparing wall time with the monotonic clock at each tick.
 */
export function watchClock(onJump: (jumpMs: number) => void, options: { tickMs?: number; thresholdMs?: number } = {}): () => void {
  const tickMs = options.tickMs ?? 10_000;
  const thresholdMs = options.thresholdMs ?? 60_000;
  let wall = Date.now();
  let mono = performance.now();
  const timer = setInterval(() => {
    const nowWall = Date.now();
    const nowMono = performance.now();
    const drift = (nowWall - wall) - (nowMono - mono);
    if (Math.abs(drift) > thresholdMs) onJump(Math.round(drift));
    wall = nowWall;
    mono = nowMono;
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
