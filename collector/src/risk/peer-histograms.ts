import type { RiskVectorName } from '../store/repositories/risk.ts';
import { histogramMedianAndMad, logBucket, logBuckets } from './robust-stats.ts';

interface DayCounts {
  counts: Int32Array;
  n: number;
}

/**
 * Each department's person-day volumes per vector and day, as log-bucket counts; answers the peer baseline of a
 * day (the window of days before it) and who in the department has days a change would reach.
 */
export class PeerHistograms {
  readonly #window: number;
  /** department → vector → day → counts */
  readonly #counts = new Map<string, Map<RiskVectorName, Map<number, DayCounts>>>();
  /** department → day → person → number of vectors that person has that day */
  readonly #people = new Map<string, Map<number, Map<string, number>>>();
  /** department → vector → day → stats of the window before that day */
  readonly #cache = new Map<string, Map<RiskVectorName, Map<number, { median: number; mad: number; n: number }>>>();

  constructor(windowDays: number) {
    this.#window = windowDays;
  }

  add(department: string, vector: RiskVectorName, day: number, volume: number, person: string): void {
    this.#change(department, vector, day, volume, person, 1);
  }

  remove(department: string, vector: RiskVectorName, day: number, volume: number, person: string): void {
    this.#change(department, vector, day, volume, person, -1);
  }

  #change(department: string, vector: RiskVectorName, day: number, volume: number, person: string, step: 1 | -1): void {
    let vectors = this.#counts.get(department);
    if (!vectors) this.#counts.set(department, (vectors = new Map()));
    let days = vectors.get(vector);
    if (!days) vectors.set(vector, (days = new Map()));
    let counts = days.get(day);
    if (!counts) days.set(day, (counts = { counts: new Int32Array(logBuckets), n: 0 }));
    const bucket = logBucket(volume);
    counts.counts[bucket] = counts.counts[bucket]! + step;
    counts.n += step;
    let byDay = this.#people.get(department);
    if (!byDay) this.#people.set(department, (byDay = new Map()));
    let persons = byDay.get(day);
    if (!persons) byDay.set(day, (persons = new Map()));
    const left = (persons.get(person) ?? 0) + step;
    if (left > 0) persons.set(person, left);
    else persons.delete(person);
    const cached = this.#cache.get(department)?.get(vector);
    if (cached && cached.size > 0) for (let after = day + 1; after <= day + this.#window; after += 1) cached.delete(after);
  }

  /** Median and MAD (log2 units) of the department's person-days of `vector` in the window before `day`. */
  stats(department: string, vector: RiskVectorName, day: number): { median: number; mad: number; n: number } {
    let vectors = this.#cache.get(department);
    if (!vectors) this.#cache.set(department, (vectors = new Map()));
    let byDay = vectors.get(vector);
    if (!byDay) vectors.set(vector, (byDay = new Map()));
    const cached = byDay.get(day);
    if (cached) return cached;
    const days = this.#counts.get(department)?.get(vector);
    const sum = new Int32Array(logBuckets);
    let n = 0;
    if (days) {
      for (let d = day - this.#window; d < day; d += 1) {
        const counts = days.get(d);
        if (!counts || counts.n === 0) continue;
        n += counts.n;
        for (let b = 0; b < logBuckets; b += 1) sum[b] = sum[b]! + counts.counts[b]!;
      }
    }
    const stats = { ...histogramMedianAndMad(sum, n), n };
    byDay.set(day, stats);
    return stats;
  }

  /** People of the department with a day in the window after `day` (their peer baseline includes `day`). */
  *peopleAfter(department: string, day: number): Iterable<[string, number]> {
    const byDay = this.#people.get(department);
    if (!byDay) return;
    for (let after = day + 1; after <= day + this.#window; after += 1) {
      const persons = byDay.get(after);
      if (persons) for (const person of persons.keys()) yield [person, after];
    }
  }
}
