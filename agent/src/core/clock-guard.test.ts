import { describe, expect, it } from 'vitest';
import { startClockGuard, type WallClockMark } from './clock-guard.ts';
import type { EventDraft } from './event-draft.ts';

function memoryMark(initial?: number): WallClockMark & { value: number | undefined } {
  const mark = { value: initial, read: () => mark.value, write: (ms: number) => { mark.value = ms; } };
  return mark;
}

function guardAt(wall: { now: number }, mark: WallClockMark) {
  const events: EventDraft[] = [];
  const guard = startClockGuard({
    mark, record: (draft) => events.push(draft), agentVersion: 't', tickMs: 60_000, jumpThresholdMs: 60_000, skewThresholdMs: 300_000,
    wallNow: () => wall.now,
  });
  return { events, guard };
}

const day = 86_400_000;

describe('clock guard', () => {
  it('records a clock set back while the agent was stopped, against the wall time saved at stop', () => {
    const wall = { now: 1_800_000_000_000 };
    const mark = memoryMark();
    const first = guardAt(wall, mark);
    wall.now += 3_600_000;
    first.guard.stop();
    expect(first.events).toEqual([]);
    expect(mark.value).toBe(1_800_003_600_000);

    wall.now -= day;
    const second = guardAt(wall, mark);
    second.guard.stop();
    expect(second.events).toHaveLength(1);
    expect(second.events[0]!.lifecycle).toMatchObject({ kind: 'CLOCK_JUMP', clockCheck: 'ACROSS_STOP', clockJumpMs: -day, clockReferenceMs: 1_800_003_600_000 });
    // The mark is never moved back: starting a third time with the clock still wrong is caught again.
    expect(mark.value).toBe(1_800_003_600_000);
    expect(guardAt(wall, mark).events).toHaveLength(1);
  });

  it('ignores time moving forward across a stop (the PC was off)', () => {
    const wall = { now: 1_800_000_000_000 };
    const mark = memoryMark(wall.now - 3 * day);
    const { events, guard } = guardAt(wall, mark);
    guard.stop();
    expect(events).toEqual([]);
  });

  it('reports a skew against the collector once per distinct skew', () => {
    const wall = { now: 1_800_000_000_000 };
    const { events, guard } = guardAt(wall, memoryMark());
    guard.onServerTime(wall.now + 60_000);
    expect(events).toEqual([]);
    guard.onServerTime(wall.now + 2 * 3_600_000);
    guard.onServerTime(wall.now + 2 * 3_600_000 + 1_000);
    expect(events).toHaveLength(1);
    expect(events[0]!.lifecycle).toMatchObject({ clockCheck: 'AGAINST_COLLECTOR', clockJumpMs: -2 * 3_600_000 });
    guard.onServerTime(wall.now - day);
    expect(events).toHaveLength(2);
    guard.stop();
  });
});
