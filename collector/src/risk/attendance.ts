import type { RiskAttendance } from '../store/repositories/risk.ts';

const dayMinutes = 24 * 60;

/**
 * People's attendance records, answering whether a local instant fell inside a recorded shift. A shift whose end is
 * before its start runs past midnight, so an instant early on one day may belong to the previous day's record.
 */
export class AttendanceBook {
  readonly #byPerson = new Map<string, Map<number, RiskAttendance>>();
  readonly #margin: number;

  constructor(entries: RiskAttendance[], marginMinutes: number) {
    this.#margin = marginMinutes;
    for (const entry of entries) {
      let days = this.#byPerson.get(entry.person);
      if (!days) this.#byPerson.set(entry.person, (days = new Map()));
      days.set(entry.day, entry);
    }
  }

  get size(): number {
    return this.#byPerson.size;
  }

  /**
   * Undefined when the person has no record covering that local day (the calendar decides); otherwise whether
   * `minutes` (after local midnight of `day`) falls inside a recorded shift, widened by the margin.
   */
  working(person: string, day: number, minutes: number): boolean | undefined {
    const days = this.#byPerson.get(person);
    if (!days) return undefined;
    const today = days.get(day);
    const yesterday = days.get(day - 1);
    const overnight = yesterday !== undefined && yesterday.endMinutes < yesterday.startMinutes;
    // Without a record of its own, the day belongs to the calendar once last night's shift is over.
    if (!today && !(overnight && minutes < yesterday.endMinutes + this.#margin)) return undefined;
    // Each shift as a span of minutes relative to midnight of `day`.
    const spans: [number, number][] = [];
    if (today) spans.push([today.startMinutes, today.endMinutes < today.startMinutes ? today.endMinutes + dayMinutes : today.endMinutes]);
    if (overnight) spans.push([yesterday.startMinutes - dayMinutes, yesterday.endMinutes]);
    return spans.some(([start, end]) => minutes >= start - this.#margin && minutes < end + this.#margin);
  }
}
