import { localTime } from './calendar.ts';
import type { CompiledAlertPolicy } from './compile-rules.ts';
import type { AlertCandidate, OfflinePc } from './types.ts';

interface Offline {
  pc: string;
  /** Wall time the outage began (shown in the alert; decides working time and the period). */
  sinceMs: number;
  /** Monotonic time the outage began (measures it: setting the server's clock must not raise or hide alerts). */
  sinceElapsedMs: number;
  /** Decided: alerted, or judged not alert-worthy (began off-hours, or silent too long). */
  settled: boolean;
}

/** A moment on both clocks: wall time for what is shown, monotonic time for measuring durations. */
export interface TrackerTime {
  wallMs: number;
  elapsedMs: number;
}

/**
 * Built-in rule "agents offline", fed by the hub's connection events and checked by a timer (check is pure, so tests
 * use a fake clock). An outage counts only if it began in the working time of the PC's site; once it has lasted
 * `after`, the PC joins its site's one alert for the working day the outage began on (the candidates carry a fold
 * group and the PC list, so the stored alert's count and list grow). Outages that began off-hours or on a holiday,
 * and PCs silent longer than `not_reporting_after` (the "not reporting" view), raise nothing. An agent that
 * reconnects is forgotten.
 */
export class OfflineTracker {
  readonly #offline = new Map<string, Offline>();

  /**
   * At startup every known agent that is not connected counts as offline since it was last seen (or from `at` if
   * never), so a PC silent for days is recognised as such instead of looking freshly offline.
   */
  seed(agents: { agentId: string; pc: string; lastSeen: TrackerTime | null }[], at: TrackerTime): void {
    for (const agent of agents) {
      if (this.#offline.has(agent.agentId)) continue;
      const since = agent.lastSeen ?? at;
      this.#offline.set(agent.agentId, { pc: agent.pc, sinceMs: since.wallMs, sinceElapsedMs: since.elapsedMs, settled: false });
    }
  }

  connection(change: { agentId: string; pc: string; connected: boolean }, at: TrackerTime): void {
    if (change.connected) this.#offline.delete(change.agentId);
    else if (!this.#offline.has(change.agentId)) {
      this.#offline.set(change.agentId, { pc: change.pc, sinceMs: at.wallMs, sinceElapsedMs: at.elapsedMs, settled: false });
    }
  }

  /** An agent retired by re-enrollment is no longer expected to connect. */
  forget(agentId: string): void {
    this.#offline.delete(agentId);
  }

  /** `directorySiteOf` gives the site the directory import names for a PC ('' when none). */
  check(now: TrackerTime, policy: CompiledAlertPolicy, directorySiteOf: (pc: string) => string = () => ''): AlertCandidate[] {
    const { offline } = policy;
    if (!offline.enabled) return [];
    const groups = new Map<string, AlertCandidate & { offlinePcs: OfflinePc[] }>();
    for (const [agentId, state] of this.#offline) {
      const offlineMs = now.elapsedMs - state.sinceElapsedMs;
      if (state.settled || offlineMs < offline.afterMs) continue;
      state.settled = true;
      const site = policy.calendars.siteOf(state.pc, directorySiteOf(state.pc));
      if (offlineMs >= offline.notReportingAfterMs || site.calendar.isOffHours(state.sinceMs)) continue;
      const period = localTime(state.sinceMs, site.calendar.timeZone).date;
      const foldGroup = `${site.name} ${period}`;
      let group = groups.get(foldGroup);
      if (!group) {
        group = {
          ruleId: 'agent_offline', ruleName: 'Agents offline', kind: 'agent_offline', severity: offline.severity,
          color: offline.color ?? policy.colors[offline.severity], pc: '', user: '', agentId: '',
          title: `PCs offline at site ${site.name} (${period})`, titleMessage: { key: 'alert.offline', params: { site: site.name, day: period } }, firstMs: state.sinceMs, lastMs: Math.max(now.wallMs, state.sinceMs), count: 0, eventIds: [],
          // The fold group already confines the alert to one site and day; the window only must not split it.
          foldWindowMs: 86_400_000, foldGroup, offlinePcs: [],
        };
        groups.set(foldGroup, group);
      }
      group.count += 1;
      group.firstMs = Math.min(group.firstMs, state.sinceMs);
      group.offlinePcs.push({ agentId, pc: state.pc, sinceMs: state.sinceMs });
    }
    return [...groups.values()];
  }
}
