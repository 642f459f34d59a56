import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir, type PolicySet } from '@mamori/policies';
import { generateRiskPopulation } from '../../../test/harness/risk-population.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { AlertCandidate } from '../alerts/types.ts';
import { dayNumber } from './days.ts';
import { rankPeople } from './ranking.ts';
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

const dayMs = 86_400_000;
const jstDay = (timeMs: number) => Math.floor((timeMs + 9 * 3_600_000) / dayMs);

describe('risk scoring on a generated organisation', () => {
  it('ranks the planted cases in the top 10, keeps the night shift out, explains each by its events, and a full recompute equals the incremental scores', async () => {
    const population = generateRiskPopulation({ users: 150, days: 40, seed: 7 });
    const store = new SqliteStore(':memory:');
    const repos = store.repos;
    for (const agent of population.agents) {
      await store.createAgent({ id: agent.agentId, pc: agent.pc, hardwareId: agent.agentId, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    }
    await store.repos.directory.replace(population.directory, 0);
    await repos.risk.replaceDeparting(population.departing.map((d) => ({ user: d.user, noticeDay: dayNumber(d.noticeDate), lastDay: dayNumber(d.lastDay) })), 0);
    const policy: PolicySet = loadPolicyDir(defaultPolicyDir);
    policy.alerts.calendar.holidays = population.holidays;
    const alerts: AlertCandidate[] = [];
    const lastDay = dayNumber(population.lastDate);
    const service = new RiskService({
      repos, policy: { current: policy, onChange: () => () => undefined }, raiseAlerts: (c) => alerts.push(...c),
      now: () => lastDay * dayMs + 12 * 3_600_000,
    });
    await service.start();

    // Day by day, each agent delivers that day's events as one batch and the projector's pass goes to the scorer.
    // One PC in ten is offline for a week at a time and delivers late: out-of-order days exercise the rescoring
    // of later days (baselines, first times, peers, decay).
    const byDay = population.agents.map((agent) => {
      const days = new Map<number, Event[]>();
      for (const event of agent.events) {
        const day = jstDay(Number(event.timeMs));
        days.set(day, [...(days.get(day) ?? []), event]);
      }
      return { agent, days, late: Number(agent.agentId.slice(-1)) === 3 };
    });
    const firstDay = lastDay - 39;
    for (let day = firstDay; day <= lastDay + 7; day += 1) {
      for (const { agent, days, late } of byDay) {
        const due = late ? (day % 7 === 0 ? [...days.keys()].filter((d) => d <= day && d > day - 7) : []) : [day];
        const events = due.sort((a, b) => a - b).flatMap((d) => days.get(d) ?? []);
        if (events.length > 0) await append(store, agent.agentId, events);
      }
      const pass = await store.projectPending(Number.MAX_SAFE_INTEGER);
      await service.take(pass.events);
    }
    // Late PCs deliver whatever is left at the end.
    for (const { agent, late } of byDay) {
      if (!late) continue;
      const stored = await store.countEvents(agent.agentId);
      if (stored < agent.events.length) await append(store, agent.agentId, agent.events.slice(stored));
    }
    await service.take((await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
    await service.persisted();
    expect(await store.countEvents()).toBe(population.totalEvents);

    const incremental = await repos.risk.allDayScores();
    expect(incremental.persons.length).toBeGreaterThan(150 * 20);

    const ranking = await rankPeople(repos.risk, { day: lastDay, limit: 10, decayPerDay: service.decayPerDay });
    const top = ranking.map((entry) => entry.person);
    // The night shift works off-hours every day: once their habit is known (the baseline's minimum of active days),
    // off-hours weighs nothing extra for them, so they rank like any day worker with the same transfers.
    const lowestPlanted = Math.min(...ranking.filter((e) => Object.values(population.planted).includes(e.person)).map((e) => e.score));
    const everyone = await rankPeople(repos.risk, { day: lastDay, limit: 10_000, decayPerDay: service.decayPerDay });
    for (const entry of everyone.filter((e) => population.nightShift.includes(e.person))) expect(entry.score).toBeLessThan(lowestPlanted);
    expect(top.filter((person) => population.nightShift.includes(person)).length).toBeLessThanOrEqual(1);
    for (const person of population.nightShift) {
      const days = await repos.risk.personDays(person, firstDay, lastDay);
      expect(days.length).toBeGreaterThan(20);
      const timing = days.slice(policy.risk.baseline.min_active_days).flatMap((d) => d.contributions.filter((c) => c.indicator.startsWith('timing.')));
      expect(timing).toEqual([]);
    }

    // Each planted person's breakdown names the planted events, under the indicator that should catch them.
    const expectations = [
      { person: population.planted.leaver, refs: population.plantedEvents.leaver, indicators: ['vector.cloud_upload', 'timing.non_working_day', 'watch.departing', 'first_times.new_destination'] },
      { person: population.planted.usbSurge, refs: population.plantedEvents.usbSurge, indicators: ['baseline.usb'] },
      { person: population.planted.firstUsb, refs: population.plantedEvents.firstUsb, indicators: ['first_times.first_usb', 'vector.usb'] },
    ];
    for (const { person, refs, indicators } of expectations) {
      const days = await repos.risk.personDays(person, lastDay - 7, lastDay);
      const contributions = days.flatMap((d) => d.contributions);
      for (const indicator of indicators) {
        const named = new Set(contributions.filter((c) => c.indicator === indicator).flatMap((c) => c.events.map((e) => `${e.agentId}:${e.seq}`)));
        for (const ref of refs.slice(0, 20)) expect(named.has(`${ref.agentId}:${ref.seq}`), `${person} ${indicator} names ${ref.seq}`).toBe(true);
      }
    }
    // Alerts: one candidate per person and day at most, and the planted people among them.
    const keys = alerts.map((a) => `${a.user} ${a.foldGroup}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(alerts.map((a) => a.user)).toEqual(expect.arrayContaining([population.planted.usbSurge, population.planted.firstUsb]));

    // Full recompute from the stored evidence gives the same numbers and the same explanations.
    const recomputed = await service.recomputeAll();
    expect(recomputed.events).toBe(population.totalEvents);
    const full = await repos.risk.allDayScores();
    expect(full.persons).toEqual(incremental.persons);
    expect(full.pcs).toEqual(incremental.pcs);
    await store.close();
  }, 60_000);
});
