import { expect, it } from 'vitest';
import type { RiskContribution, RiskDayScore, RiskObservation } from '../repositories/risk.ts';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const day = 19_700;

function observation(eventId: number, overrides: Partial<RiskObservation> = {}): RiskObservation {
  return {
    eventId, agentId, seq: eventId, person: 'tanaka', pc: 'PC-1', timeMs: day * 86_400_000 + eventId, day, offHours: false, nonWorkingDay: false,
    byAttendance: false, vector: 'usb', volume: 1_000 * eventId, category: 'unregistered', destinations: [`device:S${eventId}`, 'domain:example.com'],
    contentSeverity: '', signal: '', ...overrides,
  };
}

function contribution(indicator: string, points: number, eventIds: number[]): RiskContribution {
  return {
    indicator, points, detail: `${eventIds.length} copies`, eventCount: eventIds.length,
    events: eventIds.map((id) => ({ agentId, seq: id, eventId: id, pc: 'PC-1', timeMs: day * 86_400_000 + id })),
  };
}

/** Risk: evidence in projection order after a cursor, observations and day scores stored and read back, the HR and attendance imports. */
export function riskContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('risk: projected events in projection order after a cursor; the cursor is stored with an increment; findings name the PC user of the time', async () => {
    const subject = await start();
    const { risk } = subject.repos;
    expect(await risk.cursor()).toBe(0);
    expect(await risk.currentUserOfAgent(agentId)).toBe('');
    const stored = await storeEvents(subject.store, 5);
    await subject.store.projectPending(100);
    const first = await risk.eventsAfter(0, 3);
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3]);
    // The place in projection order: the id on SQLite, the export position on PostgreSQL.
    const order = first.map((e) => e.position ?? e.id);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect({ ...first[1]!, position: undefined }).toEqual({ ...stored[1]!, position: undefined });
    const rest = await risk.eventsAfter(order[2]!, 10);
    expect(rest.map((e) => e.seq)).toEqual([4, 5]);
    const last = rest[1]!.position ?? rest[1]!.id;
    expect(await risk.eventsAfter(last, 10)).toEqual([]);
    await risk.saveIncrement({ observations: [], persons: [], pcs: [], cursor: last });
    expect(await risk.cursor()).toBe(last);
    expect(await risk.currentUserOfAgent(agentId)).toBe('tanaka');

    await subject.store.recordIntegrityFinding({ agentId, pc: 'PC-1', timeMs: stored[2]!.timeMs, kind: 'chain_break', detail: 'seq 3' });
    await subject.store.recordIntegrityFinding({ agentId, pc: 'PC-1', timeMs: stored[0]!.timeMs - 60_000, kind: 'sequence_gap', detail: 'before any event' });
    const findings = await risk.integrityFindingsAfter(0, 10);
    expect(findings.map((f) => [f.kind, f.user, f.pc, f.agentId])).toEqual([['chain_break', 'tanaka', 'PC-1', agentId], ['sequence_gap', '', 'PC-1', agentId]]);
    expect(await risk.integrityFindingsAfter(findings[0]!.id, 10)).toEqual([findings[1]]);
  });

  it('risk: observations and day scores round-trip; a one-user PC day reads its person\'s breakdown; a full replace drops what it does not hold', async () => {
    const subject = await start();
    const { risk } = subject.repos;
    const usb = contribution('vector.usb', 12.5, [1, 2]);
    const night = contribution('timing.off_hours', 3.25, [2]);
    const tanaka: RiskDayScore = { subject: 'tanaka', day, department: 'Sales', raw: 15.75, score: 15.75, contributions: [usb, night] };
    const earlier: RiskDayScore = { subject: 'tanaka', day: day - 2, department: 'Sales', raw: 4, score: 4, contributions: [contribution('vector.usb', 4, [3])] };
    const suzuki: RiskDayScore = { subject: 'suzuki', day: day - 1, department: 'Legal', raw: 70, score: 70, contributions: [] };
    // The scorer hands a one-user PC day the very contribution objects of its person's day.
    const pcDay: RiskDayScore = { subject: 'PC-1', day, department: '', raw: 15.75, score: 15.75, contributions: tanaka.contributions };
    const sharedPc: RiskDayScore = { subject: 'PC-9', day, department: '', raw: 1, score: 1, contributions: [contribution('signals.tamper', 1, [9])] };
    const observations = [observation(1), observation(2, { offHours: true, nonWorkingDay: true, byAttendance: true, destinations: [] }),
      observation(3, { day: day - 2, vector: '', signal: 'integrity', category: 'chain_break', volume: 0.5 })];
    await risk.saveIncrement({ observations, persons: [tanaka, earlier, suzuki], pcs: [pcDay, sharedPc], cursor: 42 });

    expect(await risk.cursor()).toBe(42);
    expect(await risk.observationsFrom(day)).toEqual(observations.slice(0, 2));
    expect(await risk.observationsFrom(Number.MIN_SAFE_INTEGER)).toEqual(observations);
    expect(await risk.personDays('tanaka', day - 5, day)).toEqual([earlier, tanaka]);
    expect(await risk.personDays('tanaka', day - 1, day - 1)).toEqual([]);
    expect(await risk.pcDays('PC-1', day, day)).toEqual([pcDay]);
    expect(await risk.pcDays('PC-9', day, day)).toEqual([sharedPc]);
    expect(await risk.allDayScores()).toEqual({ persons: [suzuki, earlier, tanaka], pcs: [pcDay, sharedPc] });
    const latest = (await risk.latestPersonRows(day)).sort((a, b) => a.person.localeCompare(b.person));
    expect(latest).toEqual([{ person: 'suzuki', day: day - 1, department: 'Legal', score: 70 }, { person: 'tanaka', day, department: 'Sales', score: 15.75 }]);
    expect(await risk.latestPersonRows(day - 1, 'Sales')).toEqual([{ person: 'tanaka', day: day - 2, department: 'Sales', score: 4 }]);
    expect(await risk.latestPersonRow('tanaka', day - 1)).toEqual({ person: 'tanaka', day: day - 2, department: 'Sales', score: 4 });
    expect(await risk.latestPersonRow('nobody', day)).toBeUndefined();
    expect(await risk.personTrends(['tanaka', 'suzuki'], day - 1, day)).toEqual([{ person: 'suzuki', day: day - 1, score: 70 }, { person: 'tanaka', day, score: 15.75 }]);
    expect(await risk.personTrends([], day - 1, day)).toEqual([]);

    // A later increment replaces a day row and an observation of the same event.
    const rescored = { ...tanaka, raw: 20, score: 20, contributions: [usb] };
    await risk.saveIncrement({ observations: [observation(1, { volume: 5 })], persons: [rescored], pcs: [], cursor: 43 });
    expect(await risk.personDays('tanaka', day, day)).toEqual([rescored]);
    expect((await risk.observationsFrom(day))[0]!.volume).toBe(5);

    const other = await subject.second();
    try {
      await other.repos.risk.replaceAll({ observations: [observation(7)], persons: [suzuki], pcs: [], cursor: 50 });
    } finally {
      await other.close();
    }
    expect(await risk.cursor()).toBe(50);
    expect(await risk.observationsFrom(Number.MIN_SAFE_INTEGER)).toEqual([observation(7)]);
    expect(await risk.allDayScores()).toEqual({ persons: [suzuki], pcs: [] });
  });

  it('risk: departing, attendance, suppressions, reveals and the pseudonym key are kept, shared by every handle on the store', async () => {
    const subject = await start();
    const { risk, directory } = subject.repos;
    await directory.replace([{ pc: 'PC-1', department: 'Sales', site: 'tokyo' }], 1);
    expect(await risk.departmentsByPc()).toEqual(new Map([['PC-1', { department: 'Sales', site: 'tokyo' }]]));

    await risk.replaceDeparting([{ user: 'tanaka', noticeDay: day, lastDay: day + 30 }, { user: 'abe', noticeDay: day - 3, lastDay: day + 3 }], 1);
    await risk.replaceDeparting([{ user: 'suzuki', noticeDay: day, lastDay: day + 10 }, { user: 'abe', noticeDay: day - 1, lastDay: day + 5 }], 2);
    expect(await risk.listDeparting()).toEqual([{ user: 'abe', noticeDay: day - 1, lastDay: day + 5 }, { user: 'suzuki', noticeDay: day, lastDay: day + 10 }]);

    const emptyStamp = await risk.attendanceStamp();
    await risk.upsertAttendance([{ person: 'tanaka', day, startMinutes: 540, endMinutes: 1_080 }, { person: 'tanaka', day: day + 1, startMinutes: 1_320, endMinutes: 360 }], 10);
    const stamp = await risk.attendanceStamp();
    expect(stamp).not.toBe(emptyStamp);
    await risk.upsertAttendance([{ person: 'tanaka', day, startMinutes: 600, endMinutes: 1_140 }], 20);
    expect(await risk.attendanceStamp()).not.toBe(stamp);
    expect(await risk.listAttendance()).toEqual([
      { person: 'tanaka', day, startMinutes: 600, endMinutes: 1_140 }, { person: 'tanaka', day: day + 1, startMinutes: 1_320, endMinutes: 360 },
    ]);

    await risk.addSuppression({ person: 'tanaka', indicator: 'timing', untilDay: day + 7, reason: 'stocktaking', createdBy: 'admin', createdMs: 5 });
    await risk.addSuppression({ person: 'abe', indicator: 'vector.usb', untilDay: day, reason: 'migration', createdBy: 'admin', createdMs: 6 });
    await risk.addReveal({ person: 'tanaka', by: 'auditor', reason: 'case 12', timeMs: 7 });
    await risk.addReveal({ person: 'tanaka', by: 'auditor', reason: 'again', timeMs: 8 });
    const secret = await risk.pseudonymSecret();
    expect(secret.length).toBe(32);

    const other = await subject.second();
    try {
      expect(await other.repos.risk.pseudonymSecret()).toEqual(secret);
      expect(await other.repos.risk.revealedPersons()).toEqual(new Set(['tanaka']));
      expect((await other.repos.risk.listSuppressions()).map((s) => [s.person, s.indicator, s.untilDay, s.reason, s.createdBy, s.createdMs])).toEqual([
        ['tanaka', 'timing', day + 7, 'stocktaking', 'admin', 5], ['abe', 'vector.usb', day, 'migration', 'admin', 6],
      ]);
      expect(await other.repos.risk.listDeparting()).toEqual(await risk.listDeparting());
    } finally {
      await other.close();
    }
  });
}
