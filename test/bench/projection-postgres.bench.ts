// bench:projection — how fast the projector turns a flood of stored events into the query tables on PostgreSQL
// (issue #14: after an ingest burst from 3,000 PCs the console must not be minutes behind).
// BENCH_PROJECTION_EVENTS (default 100,000) events of the realistic mix — print jobs, file copies to USB, USB
// attach/block, mails with an attachment, uploads, browser-extension health, access requests (1 in 100) — from 100 agents are
// stored as ingest stores them (group append, binary COPY) into a durable PostgreSQL 15 (fsync and synchronous commit
// on, the bench server of bench:ingest); then the real Projector (default chunk, a hub with a listener as alerts and
// risk have) is timed from start to its cursor passing the last event. What one pass costs is reported beside it:
// round trips and passes (from pg_stat_database's xact_commit). No alert rules or risk scoring run here: they take
// the hub's events off the projection path (bench:alerts and bench:risk measure them).
// Reference, same run, same events: SQLite's projection (the store the issue compares with). Target: ≥ 10,000
// events/s on PostgreSQL. BENCH_PROJECTION_STORES=postgres skips the SQLite reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, eventKind, type Event } from '@mamori/proto';
import { PostgresStore, SqliteStore, type Store } from '@mamori/collector';
import { CollectorHub } from '../../collector/src/hub.ts';
import { POSTGRES_PROJECTION_CHUNK, Projector } from '../../collector/src/ingest/projector.ts';
import type { ProjectedEvent } from '../../collector/src/store/types.ts';
import { startPostgresBench } from './ingest-postgres.ts';

const EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 100_000);
const AGENTS = 100;
const BATCH = 500;
/**
 * BENCH_PROJECTION_CHUNK: the PostgreSQL projector's events per pass, a list to compare (each on a fresh database;
 * default: the collector's own, POSTGRES_PROJECTION_CHUNK). SQLite always runs with its default.
 */
const pgChunks = (process.env.BENCH_PROJECTION_CHUNK ?? String(POSTGRES_PROJECTION_CHUNK)).split(',').map(Number);
const stores = (process.env.BENCH_PROJECTION_STORES ?? 'postgres,sqlite').split(',').map((s) => s.trim());

function draft(i: number, agent: number): Omit<Event, 'seq' | 'agentId' | 'timeMs' | 'pc'> {
  const user = `user${agent}`;
  const device = { vendorId: '0781', productId: '5581', serial: `SN${agent}`, vendor: 'SanDisk', product: 'Ultra', busPath: '1-2' };
  switch (i % 10) {
    case 0: case 1: return { user, printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'FLOOR3-MFP', pages: 1 + (i % 40), copies: 1, state: 'completed', action: 'logged', spooler: 'cups' } };
    case 2: case 3: case 4: return { user, fileCopy: { destinationPath: `/media/usb/顧客名簿-${i}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 40_000 + i, sha256: 'ab'.repeat(32), operation: 'created', device } };
    case 5: return { user, mail: { messageId: `<m${i}@city.example>`, from: `${user}@city.example`, to: [`partner${i % 500}@example.com`], cc: [], bcc: [], subject: `資料送付 ${i}`, sizeBytes: 90_000, verdict: 'relayed',
      attachments: [{ fileName: `設計図面-${i}.pdf`, contentType: 'application/pdf', sizeBytes: 88_000, sha256: 'cd'.repeat(32), inline: false }] } };
    case 6: return { user, upload: { pageUrl: 'https://drive.example/', destinationHost: 'drive.example', destinationUrl: 'https://drive.example/upload', fileName: `売上-${i}.xlsx`, sizeBytes: 12_000, sha256: 'ef'.repeat(32), method: 'input', category: 'personal_cloud', browser: 'chromium' } };
    case 7: return { user, device: { action: i % 20 === 7 ? 'BLOCKED' : 'ATTACHED', device, mountPoint: '/media/usb', filesystem: 'vfat', sizeBytes: 32_000_000_000, label: 'USB', rule: 'usb-default', message: '' } } as never;
    case 8: return { user, extensionHealth: { browser: 'chromium', profile: `p${i % 3}`, installed: true, alive: i % 2 === 0, extensionVersion: '1.0.0', lastSeenMs: 1_700_000_000_000 + i } };
    default: return i % 100 !== 9 ? draft(i - 9, agent) : { user, accessRequest: { requestId: `rq-${i}`, state: 'REQUESTED', subject: 'device', reason: 'project files', blockedRule: 'usb-default', device } };
  }
}

/** Stores EVENTS events as ingest does (one appendBatch per 500-event batch, agents round robin). */
async function seed(store: Store): Promise<void> {
  const heads = Array.from({ length: AGENTS }, () => ({ seq: 0, hash: ZERO_HASH }));
  const start = Date.now() - EVENTS * 10;
  for (let a = 0; a < AGENTS; a += 1) {
    await store.createAgent({ id: `ag_${a}`, pc: `PC-${String(a).padStart(4, '0')}`, hardwareId: `hw${a}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: start, previousAgentId: null });
  }
  for (let first = 0; first < EVENTS; first += BATCH) {
    const agent = (first / BATCH) % AGENTS;
    const head = heads[agent]!;
    const events = [];
    for (let i = first; i < Math.min(first + BATCH, EVENTS); i += 1) {
      head.seq += 1;
      const event = { ...draft(i, agent), seq: head.seq, timeMs: start + i * 10, agentId: `ag_${agent}`, pc: `PC-${String(agent).padStart(4, '0')}` } as Event;
      const bytes = encodeEvent(event);
      const prev = head.hash;
      head.hash = chainHash(prev, bytes);
      events.push({ seq: head.seq, bytes, hash: head.hash, envelope: decodeEnvelope(bytes) });
    }
    await store.appendBatch({ agentId: `ag_${agent}`, firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, prevHash: ZERO_HASH, lastHash: head.hash, signature: Buffer.alloc(64), events }, Date.now());
  }
}

interface Figures { store: string; chunk: number | undefined; seconds: number; perS: number; cpuS: number; passes?: number; roundTrips?: number }

/** Runs the real projector until every stored event went through the hub; the hub's listener only counts. */
async function project(store: Store, chunk: number | undefined): Promise<{ seconds: number; cpuS: number }> {
  const hub = new CollectorHub();
  let seen = 0;
  const kinds = new Map<string, number>();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  hub.on('events', (events: ProjectedEvent[]) => {
    for (const { event } of events) kinds.set(eventKind(event), (kinds.get(eventKind(event)) ?? 0) + 1);
    seen += events.length;
    if (seen >= EVENTS) done();
  });
  const projector = new Projector(store, hub, { chunk, onError: (error) => { throw error; } });
  const cpu = process.cpuUsage();
  const started = performance.now();
  projector.notify();
  await finished;
  await projector.idle();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await projector.stop();
  if (kinds.size < 7) throw new Error(`the mix decoded to only ${[...kinds.keys()].join(', ')}`);
  return { seconds, cpuS: (used.user + used.system) / 1e6 };
}

const rows: Figures[] = [];
if (stores.includes('postgres')) {
  const bench = await startPostgresBench();
  for (const chunk of pgChunks) {
    const url = await bench.database();
    const store = await PostgresStore.open({ url });
    try {
      process.stdout.write(`seeding ${EVENTS.toLocaleString()} events into PostgreSQL …\n`);
      await seed(store);
      await store.pool.query('CHECKPOINT'); // the seed's dirty pages are not the projection's to write
      const stat = async () => (await store.pool.query<{ commits: string }>('SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.commits;
      const commitsBefore = Number(await stat());
      const run = await project(store, chunk);
      await new Promise((resolve) => setTimeout(resolve, 600)); // pg_stat counters are flushed at most every 500 ms
      const commits = Number(await stat()) - commitsBefore;
      rows.push({ store: 'postgres', chunk, seconds: run.seconds, perS: EVENTS / run.seconds, cpuS: run.cpuS, passes: commits });
    } finally {
      await store.close();
    }
  }
  await bench.stop();
}
if (stores.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-projection-'));
  const store = new SqliteStore(join(dir, 'collector.db'));
  try {
    process.stdout.write(`seeding ${EVENTS.toLocaleString()} events into SQLite …\n`);
    await seed(store);
    const run = await project(store, undefined);
    rows.push({ store: 'sqlite', chunk: undefined, seconds: run.seconds, perS: EVENTS / run.seconds, cpuS: run.cpuS });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`store     chunk   events    seconds   events/s projected   CPU s (this process)   transactions committed`);
for (const r of rows) {
  console.log(`${r.store.padEnd(8)} ${String(r.chunk ?? 'default').padStart(7)} ${String(EVENTS).padStart(7)} ${r.seconds.toFixed(2).padStart(10)} ${Math.round(r.perS).toString().padStart(20)} ${r.cpuS.toFixed(2).padStart(22)}   ${r.passes ?? ''}`);
}
// The figure against the target is the collector's own pass size (the last row when the list does not hold it).
const pgRow = rows.find((r) => r.store === 'postgres' && r.chunk === POSTGRES_PROJECTION_CHUNK) ?? rows.filter((r) => r.store === 'postgres').at(-1);
const sqliteRow = rows.find((r) => r.store === 'sqlite');
console.log('target: PostgreSQL projection ≥ 10,000 events/s (same order as SQLite on the same events)');
console.log(JSON.stringify({
  bench: 'projection', events: EVENTS, target_events_per_s: 10_000, postgres_chunk: pgRow?.chunk,
  postgres_by_chunk: rows.filter((r) => r.store === 'postgres').map((r) => ({ chunk: r.chunk, events_per_s: Math.round(r.perS), cpu_s: Number(r.cpuS.toFixed(2)), transactions: r.passes })),
  postgres_events_per_s: pgRow && Math.round(pgRow.perS), postgres_transactions: pgRow?.passes, postgres_cpu_s: pgRow && Number(pgRow.cpuS.toFixed(2)),
  sqlite_events_per_s: sqliteRow && Math.round(sqliteRow.perS), sqlite_cpu_s: sqliteRow && Number(sqliteRow.cpuS.toFixed(2)),
}));
