import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window.ts';

describe('SlidingWindow', () => {
  it('sums within (t − window, t] and drops what fell out', () => {
    const w = new SlidingWindow(1000);
    expect(w.add(0, 1, 1).total).toBe(1);
    expect(w.add(500, 2, 2).total).toBe(3);
    expect(w.add(1000, 4, 3)).toEqual({ total: 6, count: 2, firstMs: 500 });
    expect(w.size).toBe(2);
  });

  it('places a late event from a backlog by its time and reports every event once', () => {
    const w = new SlidingWindow(1000);
    w.add(100, 1, 1);
    w.add(900, 1, 3);
    expect(w.add(500, 1, 2)).toEqual({ total: 2, count: 2, firstMs: 100 });
    expect(w.takeUnreported(900)).toEqual({ eventIds: [1, 2, 3], firstMs: 100 });
    expect(w.takeUnreported(900).eventIds).toEqual([]);
    w.add(950, 1, 4);
    expect(w.takeUnreported(950).eventIds).toEqual([4]);
  });
});
