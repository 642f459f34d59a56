import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir, parsePolicySources, type PolicySet } from '@mamori/policies';
import { generateRiskPopulation } from '../../../test/harness/risk-population.ts';
import { CollectorHub } from '../hub.ts';
import type { RiskDayScore } from '../store/repositories/risk.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { IntegrityFinding } from '../store/types.ts';
import { dayNumber } from './days.ts';
import { decayedScore, rankPeople } from './ranking.ts';
import { RiskService } from './risk-service.ts';

async function append(store: SqliteStore, agentId: string, events: Event[]): Promise<void> {
  await store.appendBatch({
    agentId, firstSeq: Number(events[0]!.seq), lastSeq: Number(events.at(-1)!.seq),
    prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
    events: events.map((event) => {
      const bytes = encodeEvent(event);
      return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
    }),
  }, Date.now());
}

/** PCs by score on `day` (each PC's newest row decayed to it), highest first. */
function rankPcs(rows: RiskDayScore[], day: number, decayPerDay: number): string[] {
  const latest = new Map<string, RiskDayScore>();
  for (const row of rows) if (row.day <= day && (latest.get(row.subject)?.day ?? -Infinity) < row.day) latest.set(row.subject, row);
  return [...latest.values()]
    .map((row) => ({ pc: row.subject, score: decayedScore(row, day, decayPerDay) }))
    .sort((a, b) => b.score - a.score || (a.pc < b.pc ? -1 : 1))
    .map((entry) => entry.pc);
}

const integrityOf = (row: RiskDayScore | undefined) => row?.contributions.find((c) => c.indicator === 'signals.integrity');

describe('integrity findings as risk signals', () => {
  it('raise the PC and its user in the ranking with the finding named, survive a restart, equal a full recompute, and weight 0 turns them off', async () => {
    const population = generateRiskPopulation({ users: 40, days: 20, seed: 11 });
    const store = new SqliteStore(':memory:');
    const repos = store.repos;
    for (const agent of population.agents) {
      await store.createAgent({ id: agent.agentId, pc: agent.pc, hardwareId: agent.agentId, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    }
    await repos.directory.replace(population.directory, 0);
    const policy: PolicySet = loadPolicyDir(defaultPolicyDir);
    policy.alerts.calendar.holidays = population.holidays;
    const lastDay = dayNumber(population.lastDate);
    const hub = new CollectorHub();
    const service = new RiskService({ repos, hub, policy: { current: policy, onChange: () => () => undefined } });
    await service.start();
    for (const agent of population.agents) await append(store, agent.agentId, agent.events);
    await service.take((await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
    await service.persisted();

    const before = await repos.risk.allDayScores();
    const pcsBefore = rankPcs(before.pcs, lastDay, service.decayPerDay);
    const peopleBefore = (await rankPeople(repos.risk, { day: lastDay, limit: 1_000, decayPerDay: service.decayPerDay })).map((e) => e.person);
    // The lowest-ranked PC whose user worked on the last day: a finding after its last event is theirs.
    const target = population.agents
      .filter((agent) => agent.events.some((e) => Math.floor((Number(e.timeMs) + 9 * 3_600_000) / 86_400_000) === lastDay))
      .sort((a, b) => pcsBefore.indexOf(b.pc) - pcsBefore.indexOf(a.pc))[0]!;
    expect(pcsBefore.indexOf(target.pc)).toBeGreaterThan(10);
    const findingMs = Number(target.events.at(-1)!.timeMs) + 60_000;
    const findings: IntegrityFinding[] = [
      { agentId: target.agentId, pc: target.pc, timeMs: findingMs, kind: 'chain_break', detail: 'batch 90..95 does not continue the chain' },
      // Not in the policy's integrity_kinds (a late batch filling a gap is normal): no points.
      { agentId: target.agentId, pc: target.pc, timeMs: findingMs + 1_000, kind: 'out_of_order', detail: 'batch 80..89 arrived after later events' },
    ];
    for (const finding of findings) {
      await store.recordIntegrityFinding(finding);
      hub.emit('integrity', finding);
    }
    await service.persisted();

    const after = await repos.risk.allDayScores();
    const pcsAfter = rankPcs(after.pcs, lastDay, service.decayPerDay);
    expect(pcsAfter.indexOf(target.pc)).toBeLessThan(pcsBefore.indexOf(target.pc));
    const pcDay = after.pcs.find((row) => row.subject === target.pc && row.day === lastDay);
    const pcDayBefore = before.pcs.find((row) => row.subject === target.pc && row.day === lastDay);
    const signal = integrityOf(pcDay)!;
    expect(signal).toMatchObject({ points: policy.risk.signals.integrity, eventCount: 1 });
    expect(signal.detail).toContain('chain_break');
    expect(signal.detail).not.toContain('out_of_order');
    expect(signal.events).toEqual([{ agentId: target.agentId, seq: 0, eventId: expect.any(Number), pc: target.pc, timeMs: findingMs }]);
    expect(pcDay!.raw).toBeCloseTo((pcDayBefore?.raw ?? 0) + policy.risk.signals.integrity, 6);
    // The person the PC's evidence named then carries it too.
    const personDay = after.persons.find((row) => row.subject === target.user && row.day === lastDay);
    expect(integrityOf(personDay)?.detail).toContain('chain_break');
    const peopleAfter = (await rankPeople(repos.risk, { day: lastDay, limit: 1_000, decayPerDay: service.decayPerDay })).map((e) => e.person);
    expect(peopleAfter.indexOf(target.user)).toBeLessThan(peopleBefore.indexOf(target.user));
    await service.stop();

    // A restart reloads the taken findings and does not take them twice.
    const restarted = new RiskService({ repos, hub, policy: { current: policy, onChange: () => () => undefined } });
    await restarted.start();
    await restarted.persisted();
    expect(await repos.risk.allDayScores()).toEqual(after);

    // A full recompute from the stored evidence (events and findings) gives the same numbers and explanations.
    await restarted.recomputeAll();
    expect(await repos.risk.allDayScores()).toEqual(after);
    await restarted.stop();

    // Weight 0: findings count for nothing; the scores are those without the finding.
    const off = structuredClone(policy);
    off.risk.signals.integrity = 0;
    const silent = new RiskService({ repos, policy: { current: off, onChange: () => () => undefined } });
    await silent.start();
    await silent.recomputeAll();
    const without = await repos.risk.allDayScores();
    expect(integrityOf(without.pcs.find((row) => row.subject === target.pc && row.day === lastDay))).toBeUndefined();
    expect(without).toEqual(before);
    await silent.stop();
    await store.close();
  }, 60_000);

  it('validates the weight and the kinds in the policy', () => {
    const parse = (signals: string) => parsePolicySources([{ name: 'risk.yaml', text: `risk:\n  signals: ${signals}\n` }]);
    expect(parse('{ integrity: 0 }').risk.signals.integrity).toBe(0);
    expect(parse('{}').risk.signals.integrity_kinds).toContain('chain_break');
    expect(() => parse('{ integrity: -5 }')).toThrow(/risk\.signals\.integrity/);
    expect(() => parse('{ integrity_kinds: [Chain Break] }')).toThrow(/risk\.signals\.integrity_kinds/);
  });
});
