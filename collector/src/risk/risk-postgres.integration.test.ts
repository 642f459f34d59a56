import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir, type PolicySet } from '@mamori/policies';
import { connectSession, ensurePostgres, startPostgres, type PostgresServer, type PostgresSession } from '../../../test/harness/postgres.ts';
import { generateRiskPopulation } from '../../../test/harness/risk-population.ts';
import { PostgresCollectorStore, type CollectorStore } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import type { RiskDayScore } from '../store/repositories/risk.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { dayNumber } from './days.ts';
import { RiskService } from './risk-service.ts';

// Risk on PostgreSQL (store/postgres/repositories/risk.ts) against a real PostgreSQL 15 started here: the same
// evidence delivered the same way scores the same on SQLite and on PostgreSQL, and the scorer's cursor (a position in
// projection order there) never skips an event whose transaction committed after a later-numbered one.
const available = ensurePostgres();
const dayMs = 86_400_000;
const jstDay = (timeMs: number) => Math.floor((timeMs + 9 * 3_600_000) / dayMs);

function batchOf(agentId: string, events: Event[]) {
  return {
    agentId, firstSeq: Number(events[0]!.seq), lastSeq: Number(events.at(-1)!.seq),
    prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
    events: events.map((event) => {
      const bytes = encodeEvent(event);
      return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
    }),
  };
}

/** Stores a batch through append_batch on a connection whose transaction the test holds open. */
async function appendRaw(client: PostgresSession, batch: ReturnType<typeof batchOf>): Promise<void> {
  await client.query(
    `SELECT append_batch($1, $2, $3, $4, $5, $6, $7, $8::bigint[], $9::text[], $10::bigint[], $11::text[], $12::text[], $13::bytea[], $14::bytea[],
      NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    [batch.agentId, batch.firstSeq, batch.lastSeq, batch.prevHash, batch.lastHash, batch.signature, Date.now(), batch.events.map((e) => e.seq),
      batch.events.map((e) => e.envelope.pc), batch.events.map((e) => e.envelope.timeMs), batch.events.map((e) => e.envelope.kind),
      batch.events.map((e) => e.envelope.user), batch.events.map((e) => e.hash), batch.events.map((e) => e.bytes)],
  );
}

/** Event ids differ between stores (PostgreSQL numbers them before commit); the (agent, seq) behind each indicator must not. */
function withoutEventIds(rows: RiskDayScore[]): RiskDayScore[] {
  return rows.map((row) => ({ ...row, contributions: row.contributions.map((c) => ({ ...c, events: c.events.map((e) => ({ ...e, eventId: 0 })) })) }));
}

describe.skipIf(!available)('risk on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  }, 300_000);

  const open = async (name: string): Promise<PostgresCollectorStore> => new PostgresCollectorStore(
    await PostgresStore.connect({ url: await server.createDatabase(name) }));

  it('scores a generated organisation exactly as SQLite does, incrementally (late PCs included) and by a full recompute', async () => {
    const population = generateRiskPopulation({ users: 40, days: 21, seed: 11 });
    const policy: PolicySet = loadPolicyDir(defaultPolicyDir);
    policy.alerts.calendar.holidays = population.holidays;
    const lastDay = dayNumber(population.lastDate);
    const stores: CollectorStore[] = [new SqliteStore(':memory:'), await open('risk_equal')];
    const scores: { persons: RiskDayScore[]; pcs: RiskDayScore[] }[] = [];
    try {
      for (const store of stores) {
        for (const agent of population.agents) {
          await store.createAgent({ id: agent.agentId, pc: agent.pc, hardwareId: agent.agentId, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
        }
        await store.repos.directory.replace(population.directory, 0);
        await store.repos.risk.replaceDeparting(population.departing.map((d) => ({ user: d.user, noticeDay: dayNumber(d.noticeDate), lastDay: dayNumber(d.lastDay) })), 0);
        const service = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined }, now: () => lastDay * dayMs + 12 * 3_600_000 });
        await service.start();
        // Day by day each agent delivers that day's batch and the projector's pass goes to the scorer; one PC in ten
        // delivers a week at a time (late days rescore later ones).
        const byDay = population.agents.map((agent) => {
          const days = new Map<number, Event[]>();
          for (const event of agent.events) days.set(jstDay(Number(event.timeMs)), [...(days.get(jstDay(Number(event.timeMs))) ?? []), event]);
          return { agent, days, late: Number(agent.agentId.slice(-1)) === 3 };
        });
        for (let day = lastDay - 20; day <= lastDay; day += 1) {
          for (const { agent, days, late } of byDay) {
            const due = late ? (day % 7 === 0 ? [...days.keys()].filter((d) => d <= day && d > day - 7) : []) : [day];
            const events = due.sort((a, b) => a - b).flatMap((d) => days.get(d) ?? []);
            if (events.length > 0) await store.appendBatch(batchOf(agent.agentId, events), Date.now());
          }
          await service.take((await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
        }
        for (const { agent, late } of byDay) {
          const stored = await store.countEvents(agent.agentId);
          if (late && stored < agent.events.length) await store.appendBatch(batchOf(agent.agentId, agent.events.slice(stored)), Date.now());
        }
        await service.take((await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
        await service.persisted();
        const incremental = await store.repos.risk.allDayScores();
        const recomputed = await service.recomputeAll();
        expect(recomputed.events).toBe(population.totalEvents);
        expect(await store.repos.risk.allDayScores()).toEqual(incremental);
        await service.stop();
        scores.push(incremental);
      }
      const [sqlite, postgres] = scores;
      expect(sqlite!.persons.length).toBeGreaterThan(40 * 10);
      expect(withoutEventIds(postgres!.persons)).toEqual(withoutEventIds(sqlite!.persons));
      expect(withoutEventIds(postgres!.pcs)).toEqual(withoutEventIds(sqlite!.pcs));
      // What the console reads: the same ranking rows on both.
      expect(await stores[1]!.repos.risk.latestPersonRows(lastDay)).toEqual(expect.arrayContaining(await stores[0]!.repos.risk.latestPersonRows(lastDay)));
    } finally {
      for (const store of stores) await store.close();
    }
  }, 600_000);

  it('takes an event whose transaction committed after a later-numbered event was scored, and catches up after a restart', async () => {
    const store = await open('risk_late_commit');
    const url = store.pool.options.connectionString!;
    const slow = await connectSession(url);
    const later = await connectSession(url);
    const policy: PolicySet = loadPolicyDir(defaultPolicyDir);
    const printAt = (agentId: string, seq: number): Event => ({
      seq, timeMs: Date.UTC(2026, 10, 2, 1, 0, seq), agentId, pc: `PC-${agentId}`, user: `user-${agentId}`,
      printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 40, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
    });
    try {
      for (const id of ['a', 'b']) {
        await store.createAgent({ id, pc: `PC-${id}`, hardwareId: id, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
      }
      const service = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined }, now: () => Date.UTC(2026, 10, 2, 12) });
      await service.start();
      // Transaction A starts first (older transaction id); B takes its event ids next and commits last; A takes
      // higher ids and commits first. The projector hands A's events over as soon as A commits and B's (lower ids)
      // in a later pass: an id cursor, already past A's ids, would pass B's events by for good.
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()');
      await later.query('BEGIN');
      await appendRaw(later, batchOf('b', [1, 2, 3].map((seq) => printAt('b', seq))));
      await appendRaw(slow, batchOf('a', [1, 2].map((seq) => printAt('a', seq))));
      await slow.query('COMMIT');
      const first = await store.projectPending(100);
      expect(first.events.map((e) => `${e.stored.agentId}${e.stored.seq}`)).toEqual(['a1', 'a2']);
      await service.take(first.events);
      await service.persisted();
      await later.query('COMMIT');
      const pass = await store.projectPending(100);
      expect(pass.events.map((e) => `${e.stored.agentId}${e.stored.seq}`)).toEqual(['b1', 'b2', 'b3']);
      expect(pass.events[2]!.stored.id).toBeLessThan(first.events[0]!.stored.id);
      await service.take(pass.events);
      await service.persisted();
      const observed = await store.repos.risk.observationsFrom(Number.MIN_SAFE_INTEGER);
      expect(observed.map((o) => `${o.agentId}${o.seq}`).sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'b3']);
      expect(await store.repos.risk.cursor()).toBe(pass.events[2]!.stored.position);
      await service.stop();

      // Stopped: more evidence arrives and is projected; a new service catches up from the stored position.
      await store.appendBatch(batchOf('b', [4, 5].map((seq) => printAt('b', seq))), Date.now());
      await store.projectPending(100);
      const restarted = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined }, now: () => Date.UTC(2026, 10, 2, 12) });
      await restarted.start();
      await restarted.persisted();
      const after = await store.repos.risk.observationsFrom(Number.MIN_SAFE_INTEGER);
      expect(after.map((o) => `${o.agentId}${o.seq}`).sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'b3', 'b4', 'b5']);
      const days = await store.repos.risk.personDays('user-b', 0, 100_000);
      expect(days.flatMap((d) => d.contributions.flatMap((c) => c.events.map((e) => e.seq)))).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
      await restarted.stop();
    } finally {
      await slow.end();
      await later.end();
      await store.close();
    }
  }, 300_000);
});
