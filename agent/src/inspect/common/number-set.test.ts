import { describe, expect, it } from 'vitest';
import { NumberSet } from './number-set.ts';

describe('NumberSet', () => {
  it('counts distinct values across table growth, as a Set does', () => {
    const set = new NumberSet();
    const reference = new Set<number>();
    let x = 1;
    // 300,000 values drawn from 150,000: the table grows from 256 slots to 524,288.
    for (let i = 0; i < 300_000; i += 1) {
      x = (x * 48_271) % 2_147_483_647;
      const value = 100_000_000_000 + (x % 150_000) * 7;
      set.add(value);
      reference.add(value);
      if (i === 200 || i === 5_000 || i === 70_000) expect(set.size).toBe(reference.size);
    }
    expect(set.size).toBe(reference.size);
  });

  it('counts 0 as a value like any other (a slot holds value + 1, 0 is a free one)', () => {
    const set = new NumberSet();
    for (const value of [0, 0, 1, 999_999_999_999, 0, 1]) set.add(value);
    expect(set.size).toBe(3);
  });

  it('counts the same after making room ahead (reserve), before and between adds, and still stops at its limit', () => {
    const set = new NumberSet(50_000);
    const reference = new Set<number>();
    set.reserve(10);
    for (let i = 0; i < 30_000; i += 1) {
      if (i === 1_000) set.reserve(200_000);
      const value = 300_000_000_000 + ((i * 7_919) % 20_000);
      set.add(value);
      reference.add(value);
    }
    expect(set.size).toBe(reference.size);
    for (let i = 0; i < 60_000; i += 1) set.add(i);
    expect(set.size).toBe(50_000);
  });

  it('counts a batch (addMany) as one add at a time would: small and bucketed batches, across batches, to its limit', () => {
    // 600,000 values drawn from 250,000, in batches of 100 (added one by one) and of up to 300,000 (bucketed, in
    // two pieces past 262,144), into a set already holding some: the same count as a Set, and the limit holds.
    const values = new Float64Array(600_000);
    let x = 7;
    for (let i = 0; i < values.length; i += 1) {
      x = (x * 48_271) % 2_147_483_647;
      values[i] = 100_000_000_000 + (x % 250_000) * 13;
    }
    const set = new NumberSet();
    const reference = new Set<number>();
    for (const value of [5, 100_000_000_000]) {
      set.add(value);
      reference.add(value);
    }
    let from = 0;
    for (const count of [100, 20_000, 300_000, 279_900]) {
      const batch = values.slice(from, from + count);
      set.addMany(batch, count);
      for (const value of batch) reference.add(value);
      from += count;
      expect(set.size).toBe(reference.size);
    }
    const limited = new NumberSet(100_000);
    limited.addMany(values, values.length);
    expect(limited.size).toBe(100_000);
    const few = new NumberSet(100_000);
    few.addMany(values, 50_000);
    expect(few.size).toBe(new Set(values.subarray(0, 50_000)).size);
  });

  it('stops at its limit', () => {
    const set = new NumberSet(1_000);
    for (let i = 0; i < 5_000; i += 1) set.add(i);
    expect(set.size).toBe(1_000);
  });

  it('hands its table to the next sets once released: they count from empty, and it keeps its count', () => {
    for (let round = 0; round < 3; round += 1) {
      const set = new NumberSet();
      set.reserve(100_000);
      const reference = new Set<number>();
      for (let i = 0; i < 60_000; i += 1) {
        const value = 100_000_000_000 + ((i * 7_919 + round * 13) % 40_000);
        set.add(value);
        reference.add(value);
      }
      expect(set.size).toBe(reference.size);
      set.release();
      set.add(1);
      set.reserve(10);
      expect(set.size).toBe(reference.size);
    }
  });
});
