// Risk scoring at 3,000 people × 90 days: a full rescoring from the stored events against its ceiling in the same
// run (one full scan of the same events: read and decode), and the incremental cost per ingested event (the
// projector's path: observe, rescore the touched days, store). Prints figures and a final JSON line; asserts
// nothing (collector/src/risk/risk-scoring.test.ts asserts what the scores must be).
// Run: npm run bench:risk  (BENCH_USERS, BENCH_DAYS to change the size)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeEnvelope, decodeEvent, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { dayNumber } from '../../collector/src/risk/days.ts';
import { RiskService } from '../../collector/src/risk/risk-service.ts';
import { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.ts';
import { generateRiskPopulation } from '../harness/risk-population.ts';

const USERS = Number(process.env.BENCH_USERS ?? 3_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 90);
/** The last days are held back and ingested incrementally. */
const INCREMENTAL_DAYS = 2;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const dir = mkdtempSync(join(tmpdir(), 'mamori-risk-bench-'));
const store = new SqliteStore(join(dir, 'collector.db'));
const repos = store.repos;
let started = performance.now();
const population = generateRiskPopulation({ users: USERS, days: DAYS, seed: 1 });
console.log(`generated ${population.totalEvents} events for ${USERS} people × ${DAYS} days in ${round((performance.now() - started) / 1000)} s`);

const policy = loadPolicyDir(defaultPolicyDir);
policy.alerts.calendar.holidays = population.holidays;
await repos.directory.replace(population.directory, 0);
await repos.risk.replaceDeparting(population.departing.map((d) => ({ user: d.user, noticeDay: dayNumber(d.noticeDate), lastDay: dayNumber(d.lastDay) })), 0);

async function append(agentId: string, events: Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500);
    await store.appendBatch({
      agentId, firstSeq: Number(batch[0]!.seq), lastSeq: Number(batch.at(-1)!.seq),
      prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
      events: batch.map((event) => {
        const bytes = encodeEvent(event);
        return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
      }),
    }, 0);
  }
}

// History up to the cutoff is stored first; the last days arrive later, one batch per PC and day.
const cutoffMs = Date.parse(`${population.lastDate}T00:00:00+09:00`) - (INCREMENTAL_DAYS - 1) * 86_400_000;
started = performance.now();
for (const agent of population.agents) {
  await store.createAgent({ id: agent.agentId, pc: agent.pc, hardwareId: agent.agentId, os: 'windows', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
  await append(agent.agentId, agent.events.filter((e) => Number(e.timeMs) < cutoffMs));
}
const stored = await store.countEvents();
console.log(`stored ${stored} events in ${round((performance.now() - started) / 1000)} s`);

// Ceiling: one full scan of the same events (read every stored row, decode every payload).
started = performance.now();
let scanned = 0;
for (let cursor = 0; ;) {
  const page = await repos.risk.eventsAfter(cursor, 5_000);
  if (page.length === 0) break;
  for (const row of page) if (decodeEvent(row.bytes).payload) scanned += 1;
  cursor = page.at(-1)!.id;
}
const scanS = (performance.now() - started) / 1000;

const service = new RiskService({ repos, policy: { current: policy, onChange: () => () => undefined } });
await service.start();
started = performance.now();
const rescored = await service.recomputeAll();
const rescoreS = (performance.now() - started) / 1000;
console.log(`full scan of ${scanned} events: ${round(scanS)} s; full rescoring (${rescored.observations} observations): ${round(rescoreS)} s (${round(rescoreS / scanS)}× the scan): read+observe ${round(rescored.readMs / 1000)} s, score ${round(rescored.scoreMs / 1000)} s, write ${round(rescored.writeMs / 1000)} s`);

// Incremental: the held-back days arrive per PC and day; the projector hands them over in chunks of 100. The
// history counts as projected already (the benchmark stored it without the query tables, which it does not measure).
store.db.prepare("INSERT INTO meta (key, value) VALUES ('projected_through', (SELECT MAX(id) FROM events)) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
let takeMs = 0;
let taken = 0;
for (let day = 0; day < INCREMENTAL_DAYS; day += 1) {
  const from = cutoffMs + day * 86_400_000;
  for (const agent of population.agents) {
    const events = agent.events.filter((e) => Number(e.timeMs) >= from && Number(e.timeMs) < from + 86_400_000);
    if (events.length > 0) await append(agent.agentId, events);
  }
  for (;;) {
    const pass = await store.projectPending(100);
    if (pass.events.length === 0) break;
    started = performance.now();
    await service.take(pass.events);
    takeMs += performance.now() - started;
    taken += pass.events.length;
  }
}
// Scores are written behind (several passes per transaction): the last write belongs to the cost.
started = performance.now();
await service.persisted();
takeMs += performance.now() - started;
const incrementalUs = (takeMs * 1000) / taken;
console.log(`incremental: ${taken} events in ${round(takeMs / 1000)} s → ${round(incrementalUs, 1)} µs per event`);
await service.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  bench: 'risk', users: USERS, days: DAYS, events: stored, rescore_s: round(rescoreS), scan_s: round(scanS), rescore_over_scan: round(rescoreS / scanS),
  incremental_us_per_event: round(incrementalUs, 1), incremental_events: taken,
}));
