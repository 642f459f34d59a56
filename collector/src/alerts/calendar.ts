import type { Calendar } from '@mamori/policies';
import { wildcardMatcher } from './wildcard.ts';

/** Wall-clock parts of an instant in a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** mon … sun */
  weekday: string;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Intl formatting costs microseconds per call; events arrive in bursts within the same minute, so remember the
// last minute per zone.
const lastMinute = new Map<string, { minute: number; local: LocalTime }>();

export function localTime(ms: number, timeZone: string): LocalTime {
  const minute = Math.floor(ms / 60_000);
  const cached = lastMinute.get(timeZone);
  if (cached && cached.minute === minute) return cached.local;
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  const local = {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: (parts.weekday ?? '').slice(0, 3).toLowerCase(),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
  lastMinute.set(timeZone, { minute, local });
  return local;
}

function clockMinutes(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

/** One site's working time. Off-hours = a non-working weekday, a holiday, or outside start–end. */
export class WorkingCalendar {
  readonly timeZone: string;
  readonly #weekdays: Set<string>;
  readonly #holidays: Set<string>;
  readonly #start: number;
  readonly #end: number;

  constructor(calendar: Calendar) {
    this.timeZone = calendar.timezone;
    this.#weekdays = new Set(calendar.weekdays);
    this.#holidays = new Set(calendar.holidays);
    this.#start = clockMinutes(calendar.start);
    this.#end = clockMinutes(calendar.end);
  }

  isOffHours(ms: number): boolean {
    const local = localTime(ms, this.timeZone);
    if (!this.#weekdays.has(local.weekday) || this.#holidays.has(local.date)) return true;
    // A night shift (start after end) works across midnight.
    const working = this.#start <= this.#end
      ? local.minutes >= this.#start && local.minutes < this.#end
      : local.minutes >= this.#start || local.minutes < this.#end;
    return !working;
  }
}

/** Name of the site of PCs no site's patterns match (they follow the organisation's calendar). */
export const defaultSiteName = 'default';

/** A site and its calendar. */
export interface Site {
  name: string;
  calendar: WorkingCalendar;
}

/** Picks the calendar of the PC's site (first site whose PC patterns match), else the organisation's. */
export class SiteCalendars {
  readonly #default: WorkingCalendar;
  readonly #sites: (Site & { matches: (pc: string) => boolean })[];

  constructor(defaultCalendar: Calendar, sites: Record<string, Calendar & { pcs: string[] }>) {
    this.#default = new WorkingCalendar(defaultCalendar);
    this.#sites = Object.entries(sites).map(([name, site]) => ({ name, matches: wildcardMatcher(site.pcs), calendar: new WorkingCalendar(site) }));
  }

  forPc(pc: string): WorkingCalendar {
    return this.siteOf(pc).calendar;
  }

  /**
   * The PC's site: the directory's site for it when that names a site of the policy (case-insensitive), else the
   * first site whose PC-name patterns match, else the organisation's calendar.
   */
  siteOf(pc: string, directorySite = ''): Site {
    const named = directorySite ? this.#sites.find((site) => site.name.toLowerCase() === directorySite.toLowerCase()) : undefined;
    return named ?? this.#sites.find((site) => site.matches(pc)) ?? { name: defaultSiteName, calendar: this.#default };
  }

  get default(): WorkingCalendar {
    return this.#default;
  }
}
