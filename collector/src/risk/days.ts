import type { Calendar } from '@mamori/policies';
import { localTime } from '../alerts/calendar.ts';

const dayMs = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date (the scorer's day index: integer arithmetic over days). */
export function dayNumber(date: string): number {
  return Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / dayMs);
}

/** The YYYY-MM-DD date of a day index. */
export function dayDate(day: number): string {
  return new Date(day * dayMs).toISOString().slice(0, 10);
}

/** Where an instant falls in a site's working calendar. */
export interface WorkingTime {
  day: number;
  offHours: boolean;
  nonWorkingDay: boolean;
  /** Minutes after local midnight. */
  minutes: number;
}

function clockMinutes(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

/** Every zone offset is a multiple of 15 minutes, so one Intl lookup per 15-minute slot serves all its instants. */
const slotMs = 15 * 60_000;
const maxCachedSlots = 50_000;

/**
 * A site calendar (alerts.calendar / alerts.sites) answering day, off-hours and non-working day from one local-time
 * lookup. Same rules as the alert engine's WorkingCalendar: a night shift (start after end) works across midnight.
 */
export class RiskCalendar {
  readonly #zone: string;
  readonly #weekdays: Set<string>;
  readonly #holidays: Set<string>;
  readonly #start: number;
  readonly #end: number;
  readonly #slots = new Map<number, { day: number; weekday: string; date: string; minutes: number }>();

  constructor(calendar: Calendar) {
    this.#zone = calendar.timezone;
    this.#weekdays = new Set(calendar.weekdays);
    this.#holidays = new Set(calendar.holidays);
    this.#start = clockMinutes(calendar.start);
    this.#end = clockMinutes(calendar.end);
  }

  at(ms: number): WorkingTime {
    const slot = Math.floor(ms / slotMs);
    let local = this.#slots.get(slot);
    if (!local) {
      const parts = localTime(slot * slotMs, this.#zone);
      local = { day: dayNumber(parts.date), weekday: parts.weekday, date: parts.date, minutes: parts.minutes };
      if (this.#slots.size >= maxCachedSlots) this.#slots.clear();
      this.#slots.set(slot, local);
    }
    const minutes = local.minutes + Math.floor((ms - slot * slotMs) / 60_000);
    const nonWorkingDay = !this.#weekdays.has(local.weekday) || this.#holidays.has(local.date);
    const working = this.#start <= this.#end
      ? minutes >= this.#start && minutes < this.#end
      : minutes >= this.#start || minutes < this.#end;
    return { day: local.day, offHours: nonWorkingDay || !working, nonWorkingDay, minutes };
  }
}
