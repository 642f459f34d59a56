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
 * path is O(1): running totals and a head index instead of scans and splices. Entries live in parallel number
 * arrays, not objects: a day-long window per user holds many, and objects would keep the GC busy.
 */
export class SlidingWindow {
  readonly #windowMs: number;
  #times: number[] = [];
  #values: number[] = [];
  #ids: number[] = [];
  /** 1 when the entry is already part of an alert, so it is not counted into a second one. */
  #reported: number[] = [];
  #head = 0;
  #sum = 0;
  #unreported = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  get size(): number {
    return this.#times.length - this.#head;
  }

  get newestMs(): number {
    return this.size > 0 ? this.#times[this.#times.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  /** Adds an entry; `reported` when it is already part of an alert (a window rebuilt from stored events and alerts). */
  add(timeMs: number, value: number, eventId: number, reported = false): WindowState {
    const times = this.#times;
    // Insertion point after every entry ≤ timeMs: O(1) for in-order events, binary search for a backlog's late ones
    // (a linear scan here made a day-long window quadratic when thousands of PCs drain backlogs at once).
    let index = times.length;
    if (index > this.#head && times[index - 1]! > timeMs) index = this.#upperBound(timeMs);
    if (index === times.length) {
      times.push(timeMs);
      this.#values.push(value);
      this.#ids.push(eventId);
      this.#reported.push(reported ? 1 : 0);
    } else {
      times.splice(index, 0, timeMs);
      this.#values.splice(index, 0, value);
      this.#ids.splice(index, 0, eventId);
      this.#reported.splice(index, 0, reported ? 1 : 0);
    }
    this.#sum += value;
    if (!reported) this.#unreported += 1;
    this.evict(this.newestMs);
    return this.stateAt(timeMs);
  }

  /** Drops entries that can no longer fall inside any window ending at or after `newestMs`. */
  evict(newestMs: number): void {
    const cutoff = newestMs - this.#windowMs;
    const times = this.#times;
    while (this.#head < times.length && times[this.#head]! <= cutoff) {
      this.#sum -= this.#values[this.#head]!;
      if (this.#reported[this.#head] === 0) this.#unreported -= 1;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > times.length) {
      this.#times = times.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#ids = this.#ids.slice(this.#head);
      this.#reported = this.#reported.slice(this.#head);
      this.#head = 0;
    }
  }

  stateAt(timeMs: number): WindowState {
    if (this.size === 0) return { total: 0, count: 0, firstMs: timeMs };
    // In-order arrival: the window ending at the newest event is everything kept.
    if (timeMs >= this.newestMs) return { total: this.#sum, count: this.size, firstMs: this.#times[this.#head]! };
    const from = timeMs - this.#windowMs;
    // Late event: bound the window by binary search and sum only the entries inside it.
    const start = this.#upperBound(from);
    const end = this.#upperBound(timeMs);
    let total = 0;
    for (let i = start; i < end; i += 1) total += this.#values[i]!;
    return { total, count: end - start, firstMs: end > start ? this.#times[start]! : timeMs };
  }

  /** First index (≥ head) whose time is > `timeMs`. */
  #upperBound(timeMs: number): number {
    let low = this.#head;
    let high = this.#times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#times[middle]! > timeMs) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Marks the window's unreported entries as reported and returns their event ids (the alert's new events). */
  takeUnreported(timeMs: number): { eventIds: number[]; firstMs: number } {
    const eventIds: number[] = [];
    let firstMs = timeMs;
    const from = timeMs - this.#windowMs;
    // Walk back from the newest: unreported entries are almost always the last few.
    for (let i = this.#upperBound(timeMs) - 1; i >= this.#head && this.#unreported > 0; i -= 1) {
      const t = this.#times[i]!;
      if (this.#reported[i] === 1) continue;
      if (t <= from) break;
      this.#reported[i] = 1;
      this.#unreported -= 1;
      eventIds.push(this.#ids[i]!);
      firstMs = Math.min(firstMs, t);
    }
    return { eventIds: eventIds.reverse(), firstMs };
  }
}
