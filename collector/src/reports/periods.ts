// Report periods and local days in a time zone. Weeks run Monday–Sunday, months are calendar months; each
// period is [fromMs, toMs) between local midnights, so a day that changes offset (DST) still lands right.

export type PeriodKind = 'weekly' | 'monthly';

export interface Period {
  fromMs: number;
  toMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, timeZone: string): { y: number; m: number; d: number; minutes: number; weekday: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) p[part.type] = part.value;
  return {
    y: Number(p.year), m: Number(p.month), d: Number(p.day), minutes: Number(p.hour) * 60 + Number(p.minute),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday ?? ''),
  };
}

/** The zone's offset from UTC at an instant, in ms (whole minutes). */
function offsetAt(ms: number, timeZone: string): number {
  const local = parts(ms, timeZone);
  const wall = Date.UTC(local.y, local.m - 1, local.d, 0, local.minutes);
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The instant of a local wall-clock time (month may overflow: 13 → January of the next year). */
export function zonedTime(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let at = wall - offsetAt(wall, timeZone);
  // Once more at the candidate: the offset there may differ from the offset at the naive guess (DST).
  at = wall - offsetAt(at, timeZone);
  return at;
}

/** YYYY-MM-DD of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** The week or month that contains `atMs`. */
export function periodContaining(kind: PeriodKind, atMs: number, timeZone: string): Period {
  const p = parts(atMs, timeZone);
  if (kind === 'monthly') return { fromMs: zonedTime(p.y, p.m, 1, 0, timeZone), toMs: zonedTime(p.y, p.m + 1, 1, 0, timeZone) };
  const monday = new Date(Date.UTC(p.y, p.m - 1, p.d - p.weekday));
  const y = monday.getUTCFullYear();
  const m = monday.getUTCMonth() + 1;
  const d = monday.getUTCDate();
  return { fromMs: zonedTime(y, m, d, 0, timeZone), toMs: zonedTime(y, m, d + 7, 0, timeZone) };
}

/** The last period that has fully ended at `nowMs`. */
export function lastCompletePeriod(kind: PeriodKind, nowMs: number, timeZone: string): Period {
  return periodContaining(kind, periodContaining(kind, nowMs, timeZone).fromMs - 1, timeZone);
}

/** The period right after one that starts at `fromMs`. */
export function periodAfter(kind: PeriodKind, fromMs: number, timeZone: string): Period {
  return periodContaining(kind, periodContaining(kind, fromMs, timeZone).toMs, timeZone);
}

/** Local days of a range: each day's date and its [fromMs, toMs) (the first and last may be partial). */
export function localDays(fromMs: number, toMs: number, timeZone: string): { date: string; fromMs: number; toMs: number }[] {
  const days: { date: string; fromMs: number; toMs: number }[] = [];
  let at = fromMs;
  while (at < toMs && days.length < 1_000) {
    const p = parts(at, timeZone);
    const next = Math.min(toMs, zonedTime(p.y, p.m, p.d + 1, 0, timeZone));
    days.push({ date: localDate(at, timeZone), fromMs: at, toMs: next });
    at = next;
  }
  return days;
}

/** Local weekday (mon … sun) of a day's start. */
export function localWeekday(ms: number, timeZone: string): string {
  return ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][parts(ms, timeZone).weekday]!;
}

/** Splits a local day start into y/m/d (for building times within that day). */
export function localYmd(ms: number, timeZone: string): { y: number; m: number; d: number } {
  const p = parts(ms, timeZone);
  return { y: p.y, m: p.m, d: p.d };
}
