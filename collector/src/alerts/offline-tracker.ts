import type { CompiledAlertPolicy } from './compile-rules.ts';
import type { AlertCandidate } from './types.ts';

interface Offline {
  pc: string;
  /** Wall time the outage began (shown in the alert). */
  sinceMs: number;
  /** Monotonic time the outage began (measures it: setting the server's clock must not raise or hide alerts). */
  sinceElapsedMs: number;
  alerted: boolean;
}

/** A moment on both clocks: wall time for what is shown, monotonic time for measuring durations. */
export interface TrackerTime {
  wallMs: number;
  elapsedMs: number;
}

/**
 * Built-in rule "agent offline longer than N minutes", fed by the hub's connection events and checked by a timer
 * (check is pure, so tests use a fake clock). An agent that reconnects is forgotten; one alert per outage.
 */
export class OfflineTracker {
  readonly #offline = new Map<string, Offline>();

  /** At startup every known agent counts as offline from `at` until its stream opens (the collector was down). */
  seed(agents: { agentId: string; pc: string }[], at: TrackerTime): void {
    for (const agent of agents) {
      if (!this.#offline.has(agent.agentId)) this.#offline.set(agent.agentId, { pc: agent.pc, sinceMs: at.wallMs, sinceElapsedMs: at.elapsedMs, alerted: false });
    }
  }

  connection(change: { agentId: string; pc: string; connected: boolean }, at: TrackerTime): void {
    if (change.connected) this.#offline.delete(change.agentId);
    else if (!this.#offline.has(change.agentId)) {
      this.#offline.set(change.agentId, { pc: change.pc, sinceMs: at.wallMs, sinceElapsedMs: at.elapsedMs, alerted: false });
    }
  }

  /** An agent retired by re-enrollment is no longer expected to connect. */
  forget(agentId: string): void {
    this.#offline.delete(agentId);
  }

  check(now: TrackerTime, policy: CompiledAlertPolicy): AlertCandidate[] {
    const { offline } = policy;
    if (!offline.enabled) return [];
    const out: AlertCandidate[] = [];
    for (const [agentId, state] of this.#offline) {
      const offlineMs = now.elapsedMs - state.sinceElapsedMs;
      if (state.alerted || offlineMs < offline.afterMs) continue;
      state.alerted = true;
      const minutes = Math.floor(offlineMs / 60_000);
      out.push({
        ruleId: 'agent_offline', ruleName: 'Agent offline', kind: 'agent_offline', severity: offline.severity,
        color: offline.color ?? policy.colors[offline.severity], pc: state.pc, user: '', agentId,
        title: `Agent offline for ${minutes} min`, firstMs: state.sinceMs, lastMs: Math.max(now.wallMs, state.sinceMs), count: 1, eventIds: [],
        foldWindowMs: policy.foldWindowMs,
      });
    }
    return out;
  }
}
