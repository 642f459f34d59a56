import type { AlertRule, PolicySet, Severity } from '@mamori/policies';
import { compileAllowList } from './allow-list.ts';
import { SiteCalendars, localTime } from './calendar.ts';
import { compileCondition, compilePath, type FieldPath } from './field-match.ts';
import { wildcardMatcher } from './wildcard.ts';

type Scalar = string | number | boolean;

export interface CompiledWatchList {
  name: string;
  applies: (user: string, pc: string, timeMs: number) => boolean;
  raise: number;
}

export interface CompiledRule {
  id: string;
  name: string;
  kind: string;
  severity: Severity;
  color: string | undefined;
  fields: { path: FieldPath; test: (values: Scalar[]) => boolean }[];
  watchLists: string[] | undefined;
  unless: { paths: FieldPath[]; allowed: (value: string) => boolean }[];
  threshold: { moreThan: number; windowMs: number; sumPath: FieldPath | undefined; sumLabel: string; per: ('user' | 'pc')[] } | undefined;
  when: 'any' | 'off_hours' | 'working_hours';
  offHoursRaise: number;
  foldWindowMs: number;
  /** Identifies the rule's window state: unchanged rules keep their counts across policy versions. */
  stateKey: string;
}

/** Everything the engine needs from a policy version, compiled once per version. */
export interface CompiledAlertPolicy {
  colors: Record<Severity, string>;
  foldWindowMs: number;
  calendars: SiteCalendars;
  watchLists: CompiledWatchList[];
  rulesByKind: Map<string, CompiledRule[]>;
  ruleCount: number;
  offline: { enabled: boolean; afterMs: number; notReportingAfterMs: number; severity: Severity; color: string | undefined };
  tamper: { color: string | undefined; severityOf: (findingKind: string) => Severity };
}

const split = (path: string) => path.split('.');
const compiled = (path: string) => compilePath(path);

function compileRule(rule: AlertRule, policy: PolicySet, allowLists: Map<string, (value: string) => boolean>): CompiledRule {
  const threshold = rule.threshold;
  return {
    id: rule.id, name: rule.name, kind: rule.match.kind, severity: rule.severity, color: rule.color,
    fields: Object.entries(rule.match.fields).map(([path, condition]) => ({ path: compiled(path), test: compileCondition(condition) })),
    watchLists: rule.match.watch_lists,
    unless: rule.unless_allowed.map((entry) => {
      const lists = entry.lists.map((name) => allowLists.get(name)!);
      return { paths: (Array.isArray(entry.field) ? entry.field : [entry.field]).map(compiled), allowed: (value: string) => lists.some((list) => list(value)) };
    }),
    threshold: threshold && {
      moreThan: threshold.more_than, windowMs: threshold.window, per: threshold.per,
      sumPath: threshold.sum ? compiled(threshold.sum) : undefined,
      sumLabel: threshold.sum ? (split(threshold.sum).at(-1)!.replace(/_bytes$|Bytes$/, ' bytes').replace(/_/g, ' ')) : '',
    },
    when: rule.when, offHoursRaise: rule.off_hours_raise, foldWindowMs: rule.fold_window ?? policy.alerts.fold_window,
    stateKey: JSON.stringify([rule.id, rule.match, rule.unless_allowed, rule.threshold]),
  };
}

/** Turns the policy's alerts section into matchers, calendars and lists, validated already by the schema. */
export function compileAlertPolicy(policy: PolicySet): CompiledAlertPolicy {
  const alerts = policy.alerts;
  const tamper = alerts.builtin.tamper;
  const allowLists = new Map<string, (value: string) => boolean>();
  allowLists.set('mail_internal_domains', compileAllowList('domains', [...policy.mail.internal_domains, ...policy.mail.allow_domains]));
  for (const [name, list] of Object.entries(alerts.allow_lists)) allowLists.set(name, compileAllowList(list.type, list.entries));
  const calendars = new SiteCalendars(alerts.calendar, alerts.sites);
  const watchLists = Object.entries(alerts.watch_lists).map(([name, list]): CompiledWatchList => {
    const users = wildcardMatcher(list.users);
    const pcs = wildcardMatcher(list.pcs);
    return {
      name, raise: list.raise,
      applies: (user, pc, timeMs) => (users(user) || pcs(pc)) && (!list.until || localTime(timeMs, alerts.calendar.timezone).date <= list.until),
    };
  });
  const rulesByKind = new Map<string, CompiledRule[]>();
  let ruleCount = 0;
  for (const rule of alerts.rules) {
    if (!rule.enabled) continue;
    const compiled = compileRule(rule, policy, allowLists);
    rulesByKind.set(compiled.kind, [...(rulesByKind.get(compiled.kind) ?? []), compiled]);
    ruleCount += 1;
  }
  return {
    colors: alerts.colors, foldWindowMs: alerts.fold_window, calendars, watchLists, rulesByKind, ruleCount,
    offline: {
      enabled: alerts.builtin.agent_offline.enabled, afterMs: alerts.builtin.agent_offline.after,
      notReportingAfterMs: alerts.builtin.agent_offline.not_reporting_after,
      severity: alerts.builtin.agent_offline.severity, color: alerts.builtin.agent_offline.color,
    },
    tamper: {
      color: alerts.builtin.tamper.color,
      severityOf: (findingKind) => Object.hasOwn(tamper.severity, findingKind) ? tamper.severity[findingKind]! : tamper.default_severity,
    },
  };
}
