import type { PolicySet, ReportScope } from '@mamori/policies';
import { wildcardMatcher } from '../alerts/wildcard.ts';
import { CollectorError } from '../errors.ts';
import type { OffHoursIntervals, ReportPcs } from '../store/repositories/reports.ts';
import { localDays, localWeekday, localYmd, zonedTime } from './periods.ts';

/** The PCs a report covers, how the report describes them, and which working calendar applies to each. */
export interface ResolvedScope {
  pcs: ReportPcs;
  /** Shown on every page, e.g. "グループ reception（3台）" or "全PC". */
  description: string;
  /** How many known PCs are in scope (null: every PC, including ones that appear only in events). */
  pcCount: number | null;
}

/**
 * Resolves a template's scope against the known PCs. Mamori's only PC grouping is the device section's groups
 * (device.groups.<name>.pcs); PC-name patterns cover departments whose PCs are named alike ("ACCT-*").
 */
export function resolveScope(scope: ReportScope, policy: PolicySet, knownPcs: string[]): ResolvedScope {
  const calendars = siteIndex(policy);
  const patterns: string[] = [];
  const parts: string[] = [];
  if (scope.group !== undefined) {
    const group = policy.device.groups[scope.group];
    if (!group) throw new CollectorError('COLLECTOR_REPORT_SCOPE', `device group "${scope.group}" is not defined in the device policy`);
    patterns.push(...group.pcs);
    parts.push(`グループ ${scope.group}`);
  }
  if (scope.pcs) {
    patterns.push(...scope.pcs);
    parts.push(`PC名 ${scope.pcs.join(', ')}`);
  }
  const restricted = scope.group !== undefined || scope.pcs !== undefined;
  const matches = wildcardMatcher(patterns);
  const pcs = new Map<string, number>();
  for (const pc of knownPcs) {
    if (restricted && !matches(pc)) continue;
    const calendar = calendars.indexFor(pc);
    if (restricted || calendar !== 0) pcs.set(pc, calendar);
  }
  // Names listed outright belong to the scope even when no agent of that name is known yet (events may carry it).
  if (restricted) for (const name of patterns.filter((p) => !p.includes('*'))) if (!pcs.has(name)) pcs.set(name, calendars.indexFor(name));
  return {
    pcs: { restricted, pcs },
    description: restricted ? `${parts.join(' + ')}（${pcs.size}台）` : '全PC',
    pcCount: restricted ? pcs.size : null,
  };
}

/** The organisation's calendar is index 0; each site (alerts.sites) gets the next index, in policy order. */
function siteIndex(policy: PolicySet): { indexFor: (pc: string) => number; calendars: WorkingCalendarSpec[] } {
  const sites = Object.values(policy.alerts.sites);
  const matchers = sites.map((site) => wildcardMatcher(site.pcs));
  return {
    indexFor: (pc) => {
      const i = matchers.findIndex((m) => m(pc));
      return i < 0 ? 0 : i + 1;
    },
    calendars: [policy.alerts.calendar, ...sites],
  };
}

type WorkingCalendarSpec = PolicySet['alerts']['calendar'];

/**
 * Working time of each calendar within a range, as UTC intervals, with the alert engine's rule: on a working day
 * (listed weekday, not a holiday) start–end is working time; a night shift (start after end) is working from
 * start to midnight and from midnight to end of that same day. Days one either side are included.
 */
export function workingIntervals(policy: PolicySet, fromMs: number, toMs: number): { calendar: number; startMs: number; endMs: number }[] {
  const out: { calendar: number; startMs: number; endMs: number }[] = [];
  siteIndex(policy).calendars.forEach((calendar, index) => {
    const minutes = (clock: string) => {
      const [h, m] = clock.split(':').map(Number);
      return h! * 60 + m!;
    };
    const start = minutes(calendar.start);
    const end = minutes(calendar.end);
    const holidays = new Set(calendar.holidays);
    for (const day of localDays(fromMs - 86_400_000, toMs + 86_400_000, calendar.timezone)) {
      if (!calendar.weekdays.includes(localWeekday(day.fromMs, calendar.timezone) as never) || holidays.has(day.date)) continue;
      const { y, m, d } = localYmd(day.fromMs, calendar.timezone);
      const at = (min: number) => zonedTime(y, m, d, min, calendar.timezone);
      const spans = start <= end ? [[start, end]] : [[0, end], [start, 24 * 60]];
      for (const [a, b] of spans) if (b! > a!) out.push({ calendar: index, startMs: at(a!), endMs: at(b!) });
    }
  });
  return out;
}

/**
 * The complement of working time per calendar, cut at the report's day boundaries (`days`, the template's local
 * days) so each piece belongs to one report day.
 */
export function offHoursIntervals(policy: PolicySet, days: { fromMs: number; toMs: number }[]): OffHoursIntervals {
  if (days.length === 0) return [];
  const working = workingIntervals(policy, days[0]!.fromMs, days.at(-1)!.toMs);
  const out: OffHoursIntervals = [];
  for (let calendar = 0; calendar <= Object.keys(policy.alerts.sites).length; calendar += 1) {
    const mine = working.filter((w) => w.calendar === calendar).sort((a, b) => a.startMs - b.startMs);
    days.forEach((day, index) => {
      let cursor = day.fromMs;
      for (const w of mine) {
        if (w.endMs <= cursor || w.startMs >= day.toMs) continue;
        if (w.startMs > cursor) out.push({ calendar, day: index, startMs: cursor, endMs: w.startMs });
        cursor = Math.max(cursor, w.endMs);
      }
      if (cursor < day.toMs) out.push({ calendar, day: index, startMs: cursor, endMs: day.toMs });
    });
  }
  return out;
}
