import { expect, it } from 'vitest';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

/** SIEM export: events in export order after a cursor, cursors that never move back, positions to resume from. */
export function siemContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('siem: projected events in export order after a position; a cursor moves forward only and counts what was delivered', async () => {
    const subject = await start();
    const { siem } = subject.repos;
    expect(await siem.cursor('soc')).toBeUndefined();
    expect(await siem.lastPosition()).toBe(0);
    const stored = await storeEvents(subject.store, 5);
    await subject.store.projectPending(100);
    const first = await siem.eventsAfter(0, 3);
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first[1]).toEqual({ ...stored[1], position: first[1]!.position });
    const positions = first.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const rest = await siem.eventsAfter(positions[2]!, 10);
    expect(rest.map((e) => e.seq)).toEqual([4, 5]);
    expect(await siem.eventsAfter(rest[1]!.position, 10)).toEqual([]);
    expect(await siem.lastPosition()).toBe(rest[1]!.position);
    expect(await siem.positionOf(agentId, 4)).toBe(rest[0]!.position);
    expect(await siem.positionOf(agentId, 99)).toBeUndefined();
    await siem.advance('soc', positions[2]!, 3, 10);
    await siem.advance('soc', positions[0]!, 1, 11);
    expect(await siem.cursor('soc')).toEqual({ position: positions[2], exported: 3 });
    await siem.advance('soc', rest[1]!.position, 2, 12);
    const other = await subject.second();
    try {
      expect(await other.repos.siem.cursor('soc')).toEqual({ position: rest[1]!.position, exported: 5 });
      expect(await other.repos.siem.cursor('other')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
}
