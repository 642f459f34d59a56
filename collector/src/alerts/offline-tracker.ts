import type { CompiledAlertPolicy } from './compile-rules.ts';
import type { AlertCandidate } from './types.ts';

interface Offline {
  pc: string;
  sinceMs: number;
  alerted: boolean;
}

/**
 * Built-in rule "agent offline longer than N minutes", fed by the hub's connection events and checked by a timer
 * (check(now) is pure, so tests use a fake clock). An agent that reconnects is forgotten; one alert per outage.
 */
export class OfflineTracker {
  readonly #offline = new Map<string, Offline>();

  /** At startup every known agent counts as offline from `nowMs` until its stream opens (the collector was down). */
  seed(agents: { agentId: string; pc: string }[], nowMs: number): void {
    for (const agent of agents) if (!this.#offline.has(agent.agentId)) this.#offline.set(agent.agentId, { pc: agent.pc, sinceMs: nowMs, alerted: false });
  }

  connection(change: { agentId: string; pc: string; connected: boolean; timeMs: number }): void {
    if (change.connected) this.#offline.delete(change.agentId);
    else if (!this.#offline.has(change.agentId)) this.#offline.set(change.agentId, { pc: change.pc, sinceMs: change.timeMs, alerted: false });
  }

  /** An agent retired by re-enrollment is no longer expected to connect. */
  forget(agentId: string): void {
    this.#offline.delete(agentId);
  }

  check(nowMs: number, policy: CompiledAlertPolicy): AlertCandidate[] {
    const { offline } = policy;
    if (!offline.enabled) return [];
    const out: AlertCandidate[] = [];
    for (const [agentId, state] of this.#offline) {
      if (state.alerted || nowMs - state.sinceMs < offline.afterMs) continue;
      state.alerted = true;
      const minutes = Math.floor((nowMs - state.sinceMs) / 60_000);
      out.push({
        ruleId: 'agent_offline', ruleName: 'Agent offline', kind: 'agent_offline', severity: offline.severity,
        color: offline.color ?? policy.colors[offline.severity], pc: state.pc, user: '', agentId,
        title: `Agent offline for ${minutes} min`, firstMs: state.sinceMs, lastMs: nowMs, count: 1, eventIds: [],
        foldWindowMs: policy.foldWindowMs,
      });
    }
    return out;
  }
}
