/**
 * Counts the distinct non-negative integers below 2^53 it is given (My Numbers, phone numbers, postal codes as
 * numbers), up to `limit`. Values are appended to a buffer and, when it fills, sorted (natively) and merged into a
 * sorted array of the distinct values: sequential memory work only. A hash table of a hundred thousand residents'
 * numbers is megabytes, so each lookup was a cache miss, and that was the largest cost of scanning such a CSV.
 */
const maxBuffer = 65_536;

export class NumberSet {
  readonly #limit: number;
  /**
   * Starts small and doubles up to 64 Ki values: every inspection makes a set per number detector, and half a
   * megabyte each up front cost more than scanning a 50 KB file.
   */
  #buffer = new Float64Array(256);
  #buffered = 0;
  #distinct = new Float64Array(0);

  constructor(limit = Number.MAX_SAFE_INTEGER) {
    this.#limit = limit;
  }

  /** Distinct values added, at most `limit`. */
  get size(): number {
    this.#merge();
    return this.#distinct.length;
  }

  add(value: number): void {
    if (this.#distinct.length >= this.#limit) return;
    this.#buffer[this.#buffered] = value;
    this.#buffered += 1;
    if (this.#buffered === this.#buffer.length) {
      if (this.#buffer.length < maxBuffer) {
        const grown = new Float64Array(this.#buffer.length * 4);
        grown.set(this.#buffer);
        this.#buffer = grown;
      } else {
        this.#merge();
      }
    }
  }

  #merge(): void {
    if (this.#buffered === 0) return;
    const batch = this.#buffer.subarray(0, this.#buffered).sort();
    this.#buffered = 0;
    const old = this.#distinct;
    const merged = new Float64Array(Math.min(this.#limit, old.length + batch.length));
    let count = 0;
    let i = 0;
    let j = 0;
    let last = -1;
    while (count < merged.length && (i < old.length || j < batch.length)) {
      const value = j >= batch.length || (i < old.length && old[i]! <= batch[j]!) ? old[i++]! : batch[j++]!;
      if (value !== last) {
        merged[count] = value;
        count += 1;
        last = value;
      }
    }
    this.#distinct = merged.subarray(0, count);
  }
}
