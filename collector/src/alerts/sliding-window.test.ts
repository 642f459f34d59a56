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

describe('SlidingWindow with late (backlog) events', () => {
  it('gives the same totals as a brute-force count for events arriving out of order', () => {
    const windowMs = 1_000;
    const window = new SlidingWindow(windowMs);
    const seen: { t: number; v: number }[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2_000; i += 1) {
      const t = Math.floor(i * 3 + random() * 400 - (i % 50 === 0 ? 900 : 0));
      const v = 1 + Math.floor(random() * 5);
      const state = window.add(t, v, i);
      seen.push({ t, v });
      const newest = Math.max(...seen.map((e) => e.t));
      const inWindow = seen.filter((e) => e.t > t - windowMs && e.t <= t && e.t > newest - windowMs);
      expect(state.count).toBe(inWindow.length);
      expect(state.total).toBe(inWindow.reduce((sum, e) => sum + e.v, 0));
    }
  });
});
