import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitedRecorder, type RateLimitedRecord } from './rate-limited-recorder.ts';

const recorders: RateLimitedRecorder<string>[] = [];
afterEach(() => {
  for (const recorder of recorders.splice(0)) recorder.close();
});

function setup(maxKeys = 10) {
  const clock = { now: 1_000 };
  const written: RateLimitedRecord<string>[] = [];
  const recorder = new RateLimitedRecorder<string>({ windowMs: 60_000, maxKeys, write: (r) => written.push(r), monotonicNow: () => clock.now });
  recorders.push(recorder);
  return { clock, written, recorder, brief: () => written.map((r) => [r.key, r.first, r.count, r.detail]) };
}

describe('RateLimitedRecorder', () => {
  it('writes the first occurrence at once, then one summary with a count per window while a flood goes on', () => {
    const { clock, recorder, brief } = setup();
    for (let i = 0; i < 1_000; i += 1) {
      recorder.hit('peer-a', `attempt ${i}`);
      clock.now += 100; // 10 per second for 100 s
      recorder.flush();
    }
    clock.now += 60_000;
    recorder.flush();
    expect(brief()).toEqual([['peer-a', true, 1, 'attempt 0'], ['peer-a', false, 599, 'attempt 599'], ['peer-a', false, 400, 'attempt 999']]);
    expect(brief().reduce((sum, [, , count]) => sum + (count as number), 0)).toBe(1_000);
  });

  it('forgets a key after a quiet window, so the next occurrence is written at once again', () => {
    const { clock, recorder, brief } = setup();
    recorder.hit('peer-a', 'one');
    clock.now += 61_000;
    recorder.flush();
    expect(recorder.size).toBe(0);
    recorder.hit('peer-a', 'two');
    expect(brief()).toEqual([['peer-a', true, 1, 'one'], ['peer-a', true, 1, 'two']]);
  });

  it('counts made-up keys beyond the limit under one overflow key, and writes what is pending at close', () => {
    const { recorder, brief } = setup(3);
    for (let i = 0; i < 500; i += 1) recorder.hit(`agent-${i}`, `agent-${i}`);
    expect(recorder.size).toBe(4);
    recorder.close();
    expect(brief()).toEqual([
      ['agent-0', true, 1, 'agent-0'], ['agent-1', true, 1, 'agent-1'], ['agent-2', true, 1, 'agent-2'],
      ['*', true, 1, 'agent-3'], ['*', false, 496, 'agent-499'],
    ]);
  });

  it('uses the monotonic clock it is given: a window ends by elapsed time only', () => {
    const { clock, recorder, brief } = setup();
    recorder.hit('peer-a', 'one');
    recorder.hit('peer-a', 'two');
    clock.now += 59_999;
    recorder.flush();
    expect(brief()).toHaveLength(1);
    clock.now += 1;
    recorder.flush();
    expect(brief()).toEqual([['peer-a', true, 1, 'one'], ['peer-a', false, 1, 'two']]);
  });
});
