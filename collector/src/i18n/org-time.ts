// Wall-clock times in the organisation's time zone (settings page; this machine's zone until an admin sets one),
// for the CLI: what it prints and how it reads "HH:MM", the same zone the console and alert mail use.

const formats = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, timeZone: string) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

export const machineTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** "2026-11-22 17:00 (Asia/Tokyo)". */
export function formatZoned(ms: number, timeZone: string): string {
  const w = parts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)} (${timeZone})`;
}

/** The instant a wall-clock time has in a zone (the later one when a DST change makes it ambiguous). */
export function zonedWallTime(date: { year: number; month: number; day: number }, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const offset = (ms: number) => {
    const w = parts(ms, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
  };
  const guess = asUtc - offset(asUtc);
  return asUtc - offset(guess);
}

/** The zone's calendar date at an instant, shifted by whole days. */
export function zonedDate(ms: number, timeZone: string, addDays = 0): { year: number; month: number; day: number } {
  const w = parts(ms, timeZone);
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + addDays));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
