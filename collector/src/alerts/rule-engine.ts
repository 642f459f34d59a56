import type { PolicySet } from '@mamori/policies';
import type { IntegrityFinding } from '../store/types.ts';
import { compileAlertPolicy, type CompiledAlertPolicy, type CompiledRule } from './compile-rules.ts';
import { cleanText, describeEvent, formatDuration } from './describe-event.ts';
import { fieldValues } from './field-match.ts';
import { integritySeverity, raiseSeverity } from './severity.ts';
import { SlidingWindow } from './sliding-window.ts';
import type { AlertCandidate, EngineEvent } from './types.ts';

const countUnits: Record<string, string> = { file_copy: 'files', print_job: 'jobs', mail: 'mails', upload: 'uploads', device: 'devices' };

/**
 * Turns events into alert candidates. Pure apart from its window state: no clock, no I/O; time is the events'
 * own time, so tests drive it with made-up timestamps. Folding into stored alerts happens in the writer.
 */
export class RuleEngine {
  #policy: CompiledAlertPolicy;
  /** stateKey → (per-key value → window). */
  #windows = new Map<string, Map<string, SlidingWindow>>();

  constructor(policy: PolicySet) {
    this.#policy = compileAlertPolicy(policy);
  }

  get policy(): CompiledAlertPolicy {
    return this.#policy;
  }

  /** Applies a new policy version; windows of rules whose matching and threshold did not change are kept. */
  setPolicy(policy: PolicySet): void {
    this.#policy = compileAlertPolicy(policy);
    const live = new Set([...this.#policy.rulesByKind.values()].flat().map((rule) => rule.stateKey));
    for (const key of this.#windows.keys()) if (!live.has(key)) this.#windows.delete(key);
  }

  evaluate(event: EngineEvent): AlertCandidate[] {
    const rules = this.#policy.rulesByKind.get(event.kind);
    if (!rules) return [];
    const out: AlertCandidate[] = [];
    let offHours: boolean | undefined;
    let watchRaise: number | undefined;
    for (const rule of rules) {
      if (!rule.fields.every((field) => field.test(fieldValues(event.payload, field.path)))) continue;
      if (rule.watchLists && !this.#policy.watchLists.some((list) => rule.watchLists!.includes(list.name) && list.applies(event.user, event.pc, event.timeMs))) continue;
      if (this.#allowed(rule, event)) continue;
      offHours ??= this.#policy.calendars.forPc(event.pc).isOffHours(event.timeMs);
      if ((rule.when === 'off_hours' && !offHours) || (rule.when === 'working_hours' && offHours)) continue;
      watchRaise ??= this.#watchRaise(event);
      const severity = raiseSeverity(rule.severity, (offHours ? rule.offHoursRaise : 0) + watchRaise);
      const base = {
        ruleId: rule.id, ruleName: rule.name, kind: event.kind, severity, color: rule.color ?? this.#policy.colors[severity],
        pc: event.pc, user: event.user, agentId: event.agentId, lastMs: event.timeMs, foldWindowMs: rule.foldWindowMs,
      };
      if (!rule.threshold) {
        out.push({ ...base, title: cleanText(`${rule.name}: ${describeEvent(event.kind, event.payload)}`, 200), firstMs: event.timeMs, count: 1, eventIds: [event.id] });
        continue;
      }
      const candidate = this.#thresholdCandidate(rule, event);
      if (candidate) out.push({ ...base, ...candidate });
    }
    return out;
  }

  /** Integrity findings (forged signature, chain break, sequence gap, fork …) are tamper alerts: critical but for a seal reset. */
  integrity(finding: IntegrityFinding): AlertCandidate {
    const severity = integritySeverity(finding.kind);
    return {
      ruleId: 'tamper', ruleName: 'Evidence tampering', kind: 'tamper', severity,
      color: severity === 'critical' ? (this.#policy.tamper.color ?? this.#policy.colors.critical) : this.#policy.colors[severity], pc: finding.pc, user: '', agentId: finding.agentId,
      title: cleanText(`Evidence tampering: ${finding.kind.replace(/_/g, ' ')} (${finding.detail})`, 200),
      firstMs: finding.timeMs, lastMs: finding.timeMs, count: 1, eventIds: [], foldWindowMs: this.#policy.foldWindowMs,
    };
  }

  /** Forgets windows with nothing left in them (keys of users who stopped, rules that went quiet). */
  sweep(nowMs: number): void {
    for (const windows of this.#windows.values()) {
      for (const [key, window] of windows) {
        window.evict(Math.max(window.newestMs, nowMs));
        if (window.size === 0) windows.delete(key);
      }
    }
  }

  #allowed(rule: CompiledRule, event: EngineEvent): boolean {
    return rule.unless.some((entry) => {
      const values = entry.paths.flatMap((path) => fieldValues(event.payload, path)).map(String).filter((v) => v !== '');
      return values.length > 0 && values.every(entry.allowed);
    });
  }

  #watchRaise(event: EngineEvent): number {
    let raise = 0;
    for (const list of this.#policy.watchLists) if (list.applies(event.user, event.pc, event.timeMs)) raise = Math.max(raise, list.raise);
    return raise;
  }

  #thresholdCandidate(rule: CompiledRule, event: EngineEvent): Pick<AlertCandidate, 'title' | 'firstMs' | 'count' | 'eventIds'> | undefined {
    const threshold = rule.threshold!;
    let windows = this.#windows.get(rule.stateKey);
    if (!windows) this.#windows.set(rule.stateKey, (windows = new Map()));
    const key = threshold.per.map((part) => (part === 'user' ? event.user : event.pc)).join('\u0000');
    let window = windows.get(key);
    if (!window) windows.set(key, (window = new SlidingWindow(threshold.windowMs)));
    const value = threshold.sumPath ? fieldValues(event.payload, threshold.sumPath).reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0) : 1;
    const state = window.add(event.timeMs, value, event.id);
    if (state.total <= threshold.moreThan) return undefined;
    const { eventIds, firstMs } = window.takeUnreported(event.timeMs);
    if (eventIds.length === 0) return undefined;
    const unit = threshold.sumPath ? threshold.sumLabel : (countUnits[event.kind] ?? 'events');
    return { title: cleanText(`${rule.name}: ${state.total} ${unit} in ${formatDuration(threshold.windowMs)}`, 200), firstMs, count: eventIds.length, eventIds };
  }
}
