/** One counted event inside a window. */
interface Entry {
  timeMs: number;
  value: number;
  eventId: number;
  /** Already part of an alert, so it is not counted into a second one. */
  reported: boolean;
}

/** What a window holds around one event time. */
export interface WindowState {
  /** Sum of values (or count, when every value is 1) within (timeMs − window, timeMs]. */
  total: number;
  /** Entries within the window. */
  count: number;
  firstMs: number;
}

/**
 * A sliding window of events for one key (rule × user × PC), by event time. Entries stay sorted, so a late
 * event from an agent's backlog still lands in the right place; entries older than the newest minus the window
 * are dropped, keeping memory bounded by the event rate. Events usually arrive in time order, so the common
 * path is O(1): running totals and a head index instead of scans and splices.
 */
export class SlidingWindow {
  readonly #windowMs: number;
  #entries: Entry[] = [];
  #head = 0;
  #sum = 0;
  #unreported = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  get newestMs(): number {
    return this.size > 0 ? this.#entries.at(-1)!.timeMs : Number.NEGATIVE_INFINITY;
  }

  add(timeMs: number, value: number, eventId: number): WindowState {
    const entries = this.#entries;
    let index = entries.length;
    while (index > this.#head && entries[index - 1]!.timeMs > timeMs) index -= 1;
    const entry = { timeMs, value, eventId, reported: false };
    if (index === entries.length) entries.push(entry);
    else entries.splice(index, 0, entry);
    this.#sum += value;
    this.#unreported += 1;
    this.evict(this.newestMs);
    return this.stateAt(timeMs);
  }

  /** Drops entries that can no longer fall inside any window ending at or after `newestMs`. */
  evict(newestMs: number): void {
    const cutoff = newestMs - this.#windowMs;
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.timeMs <= cutoff) {
      const entry = entries[this.#head]!;
      this.#sum -= entry.value;
      if (!entry.reported) this.#unreported -= 1;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }

  stateAt(timeMs: number): WindowState {
    if (this.size === 0) return { total: 0, count: 0, firstMs: timeMs };
    // In-order arrival: the window ending at the newest event is everything kept.
    if (timeMs >= this.newestMs) return { total: this.#sum, count: this.size, firstMs: this.#entries[this.#head]!.timeMs };
    let total = 0;
    let count = 0;
    let firstMs = timeMs;
    for (const entry of this.#inRange(timeMs)) {
      total += entry.value;
      count += 1;
      firstMs = Math.min(firstMs, entry.timeMs);
    }
    return { total, count, firstMs };
  }

  /** Marks the window's unreported entries as reported and returns their event ids (the alert's new events). */
  takeUnreported(timeMs: number): { eventIds: number[]; firstMs: number } {
    const eventIds: number[] = [];
    let firstMs = timeMs;
    const from = timeMs - this.#windowMs;
    // Walk back from the newest: unreported entries are almost always the last few.
    for (let i = this.#entries.length - 1; i >= this.#head && this.#unreported > 0; i -= 1) {
      const entry = this.#entries[i]!;
      if (entry.timeMs > timeMs || entry.reported) continue;
      if (entry.timeMs <= from) break;
      entry.reported = true;
      this.#unreported -= 1;
      eventIds.push(entry.eventId);
      firstMs = Math.min(firstMs, entry.timeMs);
    }
    return { eventIds: eventIds.reverse(), firstMs };
  }

  *#inRange(timeMs: number): Generator<Entry> {
    const from = timeMs - this.#windowMs;
    for (let i = this.#head; i < this.#entries.length; i += 1) {
      const entry = this.#entries[i]!;
      if (entry.timeMs > timeMs) break;
      if (entry.timeMs > from) yield entry;
    }
  }
}
