import type { PolicySet } from '@mamori/policies';
import type { IntegrityFinding } from '../store/types.ts';
import { compileAlertPolicy, type CompiledAlertPolicy, type CompiledRule } from './compile-rules.ts';
import type { CollectorMessageKey, Message } from '../i18n/messages.ts';
import { translate } from '../i18n/translate.ts';
import { cleanText, describeEventMessage, durationMessage, formatDuration } from './describe-event.ts';
import { fieldValues } from './field-match.ts';
import { raiseSeverity } from './severity.ts';
import { SlidingWindow } from './sliding-window.ts';
import type { AlertCandidate, EngineEvent } from './types.ts';

const countUnits: Record<string, string> = { file_copy: 'files', print_job: 'jobs', mail: 'mails', upload: 'uploads', device: 'devices' };
const countUnitKeys: Record<string, CollectorMessageKey> = { file_copy: 'unit.files', print_job: 'unit.jobs', mail: 'unit.mails', upload: 'unit.uploads', device: 'unit.devices' };
/** Summed fields the default policy uses; another field's label stays as the policy names it. */
const sumUnits: Record<string, CollectorMessageKey | undefined> = { pages: 'unit.pages', bytes: 'unit.bytes' };

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
    return this.#evaluate(event, undefined);
  }

  /**
   * What a rebuild of the windows reads: the kinds the threshold rules count, their ids, and the event time after
   * which an event may still count (`nowMs` − the longest window); undefined when no rule has a threshold.
   */
  windowSpan(nowMs: number): { kinds: string[]; ruleIds: string[]; fromMs: number } | undefined {
    const rules = [...this.#policy.rulesByKind.values()].flat().filter((rule) => rule.threshold);
    if (rules.length === 0) return undefined;
    return {
      kinds: [...new Set(rules.map((rule) => rule.kind))], ruleIds: [...new Set(rules.map((rule) => rule.id))],
      fromMs: nowMs - Math.max(...rules.map((rule) => rule.threshold!.windowMs)),
    };
  }

  /** Empties every window (before a rebuild: windows kept while another collector evaluated miss its events). */
  resetWindows(): void {
    this.#windows.clear();
  }

  /**
   * Puts a stored event back into the threshold windows (a rebuild), as `evaluate` would have, except that rules
   * without a threshold are skipped (their alerts exist already) and the event counts as reported for the rules in
   * `alertedRuleIds`. Returns the candidates of windows that cross their threshold with events no alert holds yet
   * (the former evaluator stopped between projecting them and recording their alert).
   */
  replay(event: EngineEvent, alertedRuleIds: ReadonlySet<string>): AlertCandidate[] {
    return this.#evaluate(event, alertedRuleIds);
  }

  #evaluate(event: EngineEvent, replayAlerted: ReadonlySet<string> | undefined): AlertCandidate[] {
    const rules = this.#policy.rulesByKind.get(event.kind);
    if (!rules) return [];
    const out: AlertCandidate[] = [];
    let offHours: boolean | undefined;
    let watchRaise: number | undefined;
    for (const rule of rules) {
      if (replayAlerted && !rule.threshold) continue;
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
        const titleMessage: Message = { key: 'alert.ruleEvent', params: { rule: { key: 'rule', params: { name: rule.name } }, what: describeEventMessage(event.kind, event.payload) } };
        out.push({ ...base, title: cleanText(translate('en', titleMessage), 200), titleMessage, firstMs: event.timeMs, count: 1, eventIds: [event.id] });
        continue;
      }
      const candidate = this.#thresholdCandidate(rule, event, replayAlerted?.has(rule.id) ?? false);
      // The alert is the window's: counted per user, it folds whichever of the person's PCs crossed the threshold.
      if (candidate) out.push({ ...base, ...candidate, foldBy: rule.threshold.per });
    }
    return out;
  }

  /**
   * An integrity finding (forged signature, chain break, sequence gap, fork, failed stream authentication …) as an
   * alert of its own kind: rule `integrity.<kind>` per PC, severity per kind from the policy. It folds only into a
   * still-new alert of the same kind and PC, however long ago: repeats make a count, not a storm, and nothing
   * after an acknowledge or resolve can hide in an alert someone has already looked at.
   */
  integrity(finding: IntegrityFinding): AlertCandidate {
    const kind = cleanText(finding.kind, 64);
    const words = kind.replace(/_/g, ' ');
    const severity = this.#policy.tamper.severityOf(kind);
    return {
      ruleId: `integrity.${kind}`, ruleName: `Integrity finding: ${words}`, kind, severity,
      color: this.#policy.tamper.color ?? this.#policy.colors[severity], pc: finding.pc, user: '', agentId: finding.agentId,
      title: cleanText(`${words.charAt(0).toUpperCase()}${words.slice(1)}: ${finding.detail}`, 200),
      titleMessage: { key: 'alert.integrity', params: { kind: `${words.charAt(0).toUpperCase()}${words.slice(1)}`, detail: cleanText(finding.detail, 180) } },
      firstMs: finding.timeMs, lastMs: finding.timeMs, count: Math.max(1, finding.count ?? 1), eventIds: [],
      foldWindowMs: this.#policy.foldWindowMs, foldWhileNew: true,
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

  #thresholdCandidate(rule: CompiledRule, event: EngineEvent, reported: boolean): Pick<AlertCandidate, 'title' | 'titleMessage' | 'firstMs' | 'count' | 'eventIds'> | undefined {
    const threshold = rule.threshold!;
    let windows = this.#windows.get(rule.stateKey);
    if (!windows) this.#windows.set(rule.stateKey, (windows = new Map()));
    const key = threshold.per.map((part) => (part === 'user' ? event.user : event.pc)).join('\u0000');
    let window = windows.get(key);
    if (!window) windows.set(key, (window = new SlidingWindow(threshold.windowMs)));
    const value = threshold.sumPath ? fieldValues(event.payload, threshold.sumPath).reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0) : 1;
    window.add(event.timeMs, value, event.id, reported);
    // The fullest window holding this event is the one ending at the newest entry (it holds every entry kept). For an
    // event in time order that is the window ending at the event; for one evaluated after later ones — the other
    // collector's half of a burst projected after this one's, a backlog — the window ending at its own time leaves
    // the later entries out, and a burst projected newest half first never crossed.
    const endMs = Math.max(event.timeMs, window.newestMs);
    const state = window.stateAt(endMs);
    if (state.total <= threshold.moreThan) return undefined;
    const { eventIds, firstMs } = window.takeUnreported(endMs);
    if (eventIds.length === 0) return undefined;
    const unit = threshold.sumPath ? threshold.sumLabel : (countUnits[event.kind] ?? 'events');
    const unitKey = threshold.sumPath ? sumUnits[threshold.sumLabel] : (countUnitKeys[event.kind] ?? 'unit.events');
    const titleMessage: Message = {
      key: 'alert.ruleThreshold',
      params: { rule: { key: 'rule', params: { name: rule.name } }, total: state.total, unit: unitKey ? { key: unitKey } : unit, window: durationMessage(threshold.windowMs) },
    };
    return { title: cleanText(`${rule.name}: ${state.total} ${unit} in ${formatDuration(threshold.windowMs)}`, 200), titleMessage, firstMs, count: eventIds.length, eventIds };
  }
}
