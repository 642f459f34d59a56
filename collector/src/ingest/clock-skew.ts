import type { CollectorHub } from '../hub.ts';
import type { Store } from '../store/store.ts';

/** A PC clock further than this from the collector's is noted (a finding and an alert). */
export const clockSkewThresholdMs = 5 * 60_000;

function describeSkew(skewMs: number): string {
  const abs = Math.abs(skewMs);
  const amount = abs >= 3_600_000 ? `${(abs / 3_600_000).toFixed(1)} h` : `${Math.round(abs / 60_000)} min`;
  return `${amount} ${skewMs < 0 ? 'behind' : 'ahead of'}`;
}

/**
 * The collector's side of the clock check at each connect: compares the time the agent put in its hello with
 * the collector's own. A skew past the threshold is an integrity finding — `clock_behind` (the PC's clock set
 * back: timestamps of its evidence and time-limited exceptions are off) or `clock_ahead` — recorded when it
 * first appears or changes materially, so a flapping connection does not repeat it.
 */
export async function noteAgentClock(
  deps: { store: Store; hub: CollectorHub }, agent: { id: string; pc: string }, skewMs: number, nowMs: number,
): Promise<void> {
  const { previousSkewMs } = await deps.store.noteClockSkew(agent.id, skewMs, nowMs);
  if (Math.abs(skewMs) <= clockSkewThresholdMs) return;
  const known = previousSkewMs !== null && Math.abs(previousSkewMs) > clockSkewThresholdMs && Math.abs(skewMs - previousSkewMs) <= clockSkewThresholdMs;
  if (known) return;
  const finding = {
    agentId: agent.id, pc: agent.pc, timeMs: nowMs, kind: skewMs < 0 ? 'clock_behind' : 'clock_ahead',
    detail: `PC clock ${describeSkew(skewMs)} the collector's at connect (skew ${skewMs} ms)`,
  };
  await deps.store.recordIntegrityFinding(finding);
  deps.hub.emit('integrity', finding);
}
