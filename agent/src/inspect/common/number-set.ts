/**
 * A set of non-negative integers below 2^53 (My Numbers, phone numbers, postal codes as numbers) in one
 * Float64Array with linear probing: no allocation per value. A JS Set of such numbers boxes each one and was the
 * largest cost of scanning a CSV of a hundred thousand residents.
 */
export class NumberSet {
  #table = new Float64Array(1024).fill(-1);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(value: number): void {
    if (this.#size * 2 >= this.#table.length) this.#grow();
    const table = this.#table;
    const mask = table.length - 1;
    let slot = NumberSet.#hash(value) & mask;
    for (;;) {
      const held = table[slot]!;
      if (held === value) return;
      if (held === -1) {
        table[slot] = value;
        this.#size += 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  static #hash(value: number): number {
    let h = (value % 4294967296) ^ Math.floor(value / 4294967296);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Float64Array(old.length * 2).fill(-1);
    this.#size = 0;
    for (const value of old) if (value !== -1) this.add(value);
  }
}
