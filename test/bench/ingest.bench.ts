// bench:ingest — events/s verified (Ed25519 + hash chain + forward-secure seals) and stored by a collector
// process, with 1, 100 and 1,000 simulated agents on their own gRPC streams; and in the same run the ceiling: the same rows inserted into
// the same schema and indexes with prepared statements in batched transactions (no network, decoding, verifying).
// BENCH_STORE=sqlite,postgres runs every scenario on each store in the same run, each against its own ceiling
// (PostgreSQL: the same rows by COPY into the same schema, see ingest-postgres.ts). Beside the rate including
// projection, each scenario reports how many events were projected when the last batch was acked
// (`projected_when_acked`): how far query tables and alerts kept up during the flood, not only after it.
import { readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { loadAgentServiceProto } from '@mamori/proto/grpc';
import {
  ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, epochRuns, evolveSealKey, generateEd25519KeyPair, loadPrivateKey, sealClose, sealEvent,
  signAuth, signBatch, type AgentMessage, type CollectorMessage__Output, type SealCloseRecord,
} from '@mamori/proto';
import { newSealChain } from '../../agent/src/core/sealer.ts';
import { SqliteStore, initDataDir, openCollectorStore, loadCollectorConfig, type CollectorStore } from '@mamori/collector';
import type { AcceptedBatch } from '../../collector/src/store/types.ts';
import { startPostgresBench, type PostgresBench } from './ingest-postgres.ts';
import { createCollectorClient } from '../../agent/src/uplink/client.ts';
import { fetchPinnedCa } from '../../agent/src/uplink/pin.ts';
import { initTestCollector, killHard, spawnCollector, tempDir } from '../harness/collector.ts';
import { freePort } from '../harness/free-port.ts';
import { createEnrollmentToken } from '../../collector/src/tokens.ts';
import { decodeEnrollmentToken } from '@mamori/proto';
import { sampleEvent } from '../harness/agent.ts';
import { serviceEnvironment } from './service-environment.ts';

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = 500;
/** Sim agents seal like real ones with default config: epoch 0 closed at start, then a new epoch every 10,000 events. */
const EPOCH_EVENTS = 10_000;
const scenarios = (process.env.BENCH_AGENTS ?? "1,100,1000").split(",").map(Number);
const stores = (process.env.BENCH_STORE ?? 'sqlite').split(',').map((name) => name.trim());
for (const name of stores) if (name !== 'sqlite' && name !== 'postgres') throw new Error(`BENCH_STORE: unknown store "${name}" (sqlite, postgres)`);
const postgres: PostgresBench | undefined = stores.includes('postgres') ? await startPostgresBench() : undefined;

interface SimAgent {
  agentId: string;
  key: ReturnType<typeof loadPrivateKey>;
  batches: {
    firstSeq: number; events: Buffer[]; prevHash: Buffer; lastHash: Buffer; signature: Buffer;
    sealChain: number; sealEpochRuns: number[]; seals: Buffer; sealCloses: SealCloseRecord[];
    /** Per-event epochs for the ceiling's rows (not a wire field: the wire carries runs). */
    sealEpochs: number[];
    /** The batch's AgentMessage as protobuf bytes, serialized before timing (what the stream sends). */
    wire: Buffer;
  }[];
}

/** The Connect method's own serializer and deserializer (the ones the generated client uses). */
const connectMethod = loadAgentServiceProto().mamori.v1.AgentService.service.Connect;
/** BENCH_ENCODE=in-window: the harness encodes each batch when it writes it, as before (an A/B of the harness's own cost). */
const encodeInWindow = process.env.BENCH_ENCODE === 'in-window';

function makeBatches(agentId: string, key: SimAgent['key'], seal: { chain: number; key: Buffer }, count: number): SimAgent['batches'] {
  const batches: SimAgent['batches'] = [];
  let hash = ZERO_HASH;
  let sealKey = seal.key;
  let epoch = 0;
  const closes: SealCloseRecord[] = [];
  const close = (seq: number) => {
    closes.push({ epoch, lastSeq: seq, lastHash: hash, mac: sealClose(sealKey, epoch, seq, hash) });
    sealKey = evolveSealKey(sealKey);
    epoch += 1;
  };
  close(0);
  for (let seq = 1; seq <= count; seq += BATCH) {
    const prevHash = hash;
    const events: Buffer[] = [];
    const epochs: number[] = [];
    const seals: Buffer[] = [];
    const batchCloses = closes.filter((c) => c.lastSeq === seq - 1);
    for (let s = seq; s < Math.min(seq + BATCH, count + 1); s += 1) {
      const bytes = encodeEvent({ seq: s, timeMs: Date.now(), agentId, pc: `PC-${agentId.slice(-6)}`, ...sampleEvent(s), user: `user-${agentId.slice(-6)}` });
      hash = chainHash(hash, bytes);
      events.push(bytes);
      epochs.push(epoch);
      seals.push(sealEvent(sealKey, s, epoch, hash));
      if (s % EPOCH_EVENTS === 0) {
        close(s);
        batchCloses.push(closes.at(-1)!);
      }
    }
    const batch = {
      firstSeq: seq, events, prevHash, lastHash: hash, signature: signBatch(key, agentId, seq, events.length, prevHash, hash),
      sealChain: seal.chain, sealEpochRuns: epochRuns(epochs), seals: Buffer.concat(seals), sealCloses: batchCloses,
    };
    batches.push({ ...batch, sealEpochs: epochs, wire: connectMethod.requestSerialize({ batch } satisfies AgentMessage) });
  }
  return batches;
}

async function enrollSims(token: string, count: number, eventsEach: number): Promise<{ sims: SimAgent[]; address: string; caPem: string }> {
  const parsed = decodeEnrollmentToken(token);
  const caPem = await fetchPinnedCa(parsed.address, parsed.caFingerprint);
  const client = createCollectorClient(parsed.address, caPem);
  const sims: SimAgent[] = [];
  for (let i = 0; i < count; i += 1) {
    const pair = generateEd25519KeyPair();
    const seal = newSealChain();
    const response = await new Promise<{ agentId: string }>((resolve, reject) => client.Enroll({
      tokenSecret: parsed.secret, hostname: `PC-BENCH-${i}`, os: 'bench', hardwareId: `bench-${count}-${i}`, publicKey: pair.publicKey, agentVersion: 'bench',
      sealSeed: seal.seed, sealChain: seal.chain,
    }, (error, value) => (error || !value ? reject(error) : resolve(value))));
    const key = loadPrivateKey(pair.privateKeyPem);
    sims.push({ agentId: response.agentId, key, batches: makeBatches(response.agentId, key, seal, eventsEach) });
  }
  client.close();
  return { sims, address: parsed.address, caPem };
}

/**
 * Opens a sim agent's stream and authenticates; `run()` then streams its batches (≤ 8 in flight) until acked.
 * The stream writes bytes: each message is serialized here with the Connect method's own serializer (hello and
 * auth as they are sent, batches before timing), so the timed window does not charge protobuf encoding on the
 * agents' side to the collector — a real agent encodes on its own PC. The collector receives the same bytes.
 */
async function connect(sim: SimAgent, address: string, caPem: string): Promise<{ run: () => Promise<void> }> {
  const client = createCollectorClient(address, caPem);
  const call: ClientDuplexStream<Buffer, CollectorMessage__Output> = client.makeBidiStreamRequest(
    connectMethod.path, (bytes: Buffer) => bytes, connectMethod.responseDeserialize,
  );
  const send = (message: AgentMessage) => call.write(connectMethod.requestSerialize(message));
  const last = sim.batches.at(-1)!;
  const lastSeq = last.firstSeq + last.events.length - 1;
  let next = 0;
  let inFlight = 0;
  let finished: () => void = () => undefined;
  let failed: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => { finished = resolve; failed = reject; });
  const pump = () => {
    while (inFlight < 8 && next < sim.batches.length) {
      const batch = sim.batches[next]!;
      call.write(encodeInWindow ? connectMethod.requestSerialize({ batch }) : batch.wire);
      next += 1;
      inFlight += 1;
    }
  };
  const welcomed = new Promise<void>((resolve, reject) => {
    call.on('data', (m: CollectorMessage__Output) => {
      if (m.challenge) send({ auth: { signature: signAuth(sim.key, sim.agentId, m.challenge.nonce) } });
      else if (m.welcome) resolve();
      else if (m.ack) {
        inFlight -= 1;
        if (m.ack.lastSeq >= lastSeq) {
          call.end();
          client.close();
          finished();
        } else pump();
      }
    });
    call.on('error', (e) => { reject(e); failed(e); });
  });
  send({ hello: { agentId: sim.agentId, agentVersion: 'bench' } });
  await welcomed;
  return { run: () => { pump(); return done; } };
}

/** The same batches as the collector stores them (chain hashes, envelopes, seals), for the ceilings. */
function acceptedBatches(sims: SimAgent[]): AcceptedBatch[] {
  return sims.flatMap((sim) => sim.batches.map((b) => {
    let hash = b.prevHash;
    const events = b.events.map((bytes, i) => {
      hash = chainHash(hash, bytes);
      return { seq: b.firstSeq + i, bytes, hash, envelope: decodeEnvelope(bytes) };
    });
    return {
      agentId: sim.agentId, firstSeq: b.firstSeq, lastSeq: b.firstSeq + b.events.length - 1, prevHash: b.prevHash, lastHash: b.lastHash,
      signature: b.signature, events, seal: { chain: b.sealChain, epochs: b.sealEpochs, seals: b.seals, closes: b.sealCloses },
    };
  }));
}

/** The insert-only rate for the same batches, into a fresh database, and the CPU seconds that took (one thread). */
async function ceiling(sims: SimAgent[]): Promise<{ eventsPerS: number; cpuS: number }> {
  const dir = tempDir('ceiling');
  const store = new SqliteStore(join(dir, 'c.db'));
  const prepared = acceptedBatches(sims);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const batch of prepared) await store.appendBatch(batch, Date.now());
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { eventsPerS: prepared.reduce((n, b) => n + b.events.length, 0) / seconds, cpuS: (cpu.user + cpu.system) / 1e6 };
}

// The collector runs with the environment its systemd unit gives it (V8 young-generation size).
const collectorEnv = serviceEnvironment(fileURLToPath(new URL('../../installers/linux/collector/mamori-collector.service', import.meta.url)));
interface Run {
  store: string; agents: number; events: number; seconds: number; eventsPerS: number; projectedPerS: number; ceiling: number;
  /** CPU seconds during the timed ingest window: this process (the simulated agents' clients) and the collector process. */
  harnessCpuS: number; collectorCpuS: number;
  /**
   * The collector's main thread alone in that window (gRPC, hand-off, SQLite: the thread that limits ingest), and the
   * ceiling's CPU seconds (SQLite only, PostgreSQL: undefined). CPU time, unlike the rates, hardly moves with other
   * load on the machine: their quotient is the load-independent view of the ratio (for comparing changes).
   */
  collectorMainCpuS: number; ceilingCpuS?: number;
  /** Events projected (query tables, alert rules) when the last batch was acked: how far projection kept up during the flood. */
  projectedWhenAcked: number;
  /** PostgreSQL only: the server's CPU seconds in the ingest window and in the ceiling's COPY (what the backends cost). */
  serverCpuS?: number; ceilingServerCpuS?: number;
}

/**
 * A process's user + system CPU seconds so far, from /proc (Linux; the collector is a child, so process.cpuUsage cannot
 * see it); with `thread`, that thread's only (a process's main thread has the process's id).
 */
function processCpuSeconds(pid: number, thread?: number): number {
  // Fields after the ")" that closes the command name: utime is the 12th, stime the 13th (both in clock ticks, 100/s on Linux).
  const fields = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Events the projector has passed so far: PostgreSQL gives each its export_order position, SQLite's ids are the order. */
async function projectedSoFar(dataDir: string, database: string | undefined): Promise<number> {
  if (database) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM export_order')).rows[0]!.n);
    } finally {
      await client.end();
    }
  }
  const reader = new SqliteStore(join(dataDir, 'collector.db'));
  try {
    return (reader.db.prepare("SELECT CAST(value AS INTEGER) AS done FROM meta WHERE key = 'projected_through'").get() as { done: number } | undefined)?.done ?? 0;
  } finally {
    await reader.close();
  }
}

/** One measurement: a fresh collector ingests the scenario, then the ceiling is measured on the same batches. */
async function runScenario(agents: number, storeName: string): Promise<Run> {
  const database = storeName === 'postgres' ? await postgres!.database() : undefined;
  const dataDir = database ? tempDir('collector') : (await initTestCollector()).dataDir;
  if (database) await initDataDir(dataDir, { advertise: 'localhost:7443', names: [], adminUser: 'admin', httpPort: 0, database });
  const grpcPort = await freePort();
  const child = await spawnCollector(dataDir, grpcPort, collectorEnv);
  try {
    const probe: CollectorStore = await openCollectorStore(loadCollectorConfig(dataDir));
    const tls = { caFingerprint: (await import('../../collector/src/pki/certificates.ts')).certificateFingerprint((await import('node:fs')).readFileSync(join(dataDir, 'ca.crt'), 'utf8')) };
    const { token } = await createEnrollmentToken(probe, { address: `localhost:${grpcPort}`, caFingerprint: tls.caFingerprint, ttlMs: 3_600_000, uses: agents, actor: 'bench', now: Date.now() });
    await probe.close();
    const eventsEach = Math.ceil(TOTAL_EVENTS / agents);
    const { sims, address, caPem } = await enrollSims(token, agents, eventsEach);
    // Agents are long-lived connections: connect and authenticate all of them first, then time the flow.
    const connections = [];
    for (let i = 0; i < sims.length; i += 50) {
      connections.push(...await Promise.all(sims.slice(i, i + 50).map((sim) => connect(sim, address, caPem))));
    }
    const harnessCpuBefore = process.cpuUsage();
    const collectorCpuBefore = processCpuSeconds(child.pid!);
    const collectorMainCpuBefore = processCpuSeconds(child.pid!, child.pid!);
    const serverCpuBefore = postgres?.serverCpuSeconds();
    const started = performance.now();
    await Promise.all(connections.map((c) => c.run()));
    const ackedSeconds = (performance.now() - started) / 1000;
    const harnessCpu = process.cpuUsage(harnessCpuBefore);
    const collectorCpuS = processCpuSeconds(child.pid!) - collectorCpuBefore;
    const collectorMainCpuS = processCpuSeconds(child.pid!, child.pid!) - collectorMainCpuBefore;
    const serverCpuS = database ? postgres!.serverCpuSeconds() - serverCpuBefore! : undefined;
    const projectedWhenAcked = await projectedSoFar(dataDir, database);
    // Then the projection (query tables + alert rules) catches up; its rate is reported beside the ingest rate.
    if (database) {
      while (!(await postgres!.caughtUp(database))) await new Promise((resolve) => setTimeout(resolve, 20));
    } else {
      const reader = new SqliteStore(join(dataDir, 'collector.db'));
      for (;;) {
        const row = reader.db.prepare("SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'projected_through') AS done, (SELECT MAX(id) FROM events) AS total").get() as { done: number; total: number };
        if (row.done >= row.total) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await reader.close();
    }
    const projectedSeconds = (performance.now() - started) / 1000;
    const events = eventsEach * agents;
    const pgLimit = database ? await postgres!.ceiling(acceptedBatches(sims)) : undefined;
    const limit = pgLimit ? { eventsPerS: pgLimit.eventsPerS, cpuS: undefined } : await ceiling(sims);
    return { store: storeName, agents, events, seconds: ackedSeconds, eventsPerS: events / ackedSeconds, projectedPerS: events / projectedSeconds, ceiling: limit.eventsPerS, projectedWhenAcked,
      harnessCpuS: (harnessCpu.user + harnessCpu.system) / 1e6, collectorCpuS, collectorMainCpuS, ...(limit.cpuS === undefined ? {} : { ceilingCpuS: limit.cpuS }),
      ...(pgLimit ? { serverCpuS, ceilingServerCpuS: pgLimit.serverCpuS } : {}) };
  } finally {
    // A graceful stop first, so a profiling run (COLLECTOR_NODE_ARGS=--cpu-prof) gets its profile written.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await killHard(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// This shared 2-core VM's speed drifts by ±30 % over minutes, so a single ingest run and a single ceiling run,
// taken a minute apart, compare noise. Each scenario is measured REPEAT times (ingest, then its ceiling), and the
// best of each is reported — the same statistic for both sides; every run is in the JSON line.
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const rows: (Run & { runs: Run[] })[] = [];
for (const agents of scenarios) for (const storeName of stores) {
  const runs: Run[] = [];
  for (let i = 0; i < REPEAT; i += 1) runs.push(await runScenario(agents, storeName));
  const best = (pick: (r: Run) => number) => Math.max(...runs.map(pick));
  const fastest = runs.reduce((a, b) => (a.eventsPerS >= b.eventsPerS ? a : b));
  rows.push({ ...fastest, eventsPerS: best((r) => r.eventsPerS), projectedPerS: best((r) => r.projectedPerS), ceiling: best((r) => r.ceiling), runs });
}

console.log(`best of ${REPEAT} runs per scenario, for ingest and ceiling alike (each run: a fresh collector, then the ceiling on the same batches)`);
await postgres?.stop();

console.log('store     agents   events    seconds   events/s verified+stored+acked   ceiling events/s (insert only)   ratio   events/s incl. query tables + alert rules   CPU s in the ingest window: harness (agents) / collector (its main thread)   ceiling CPU s   PostgreSQL server CPU s: ingest window / ceiling');
for (const r of rows) {
  console.log(`${r.store.padEnd(8)} ${String(r.agents).padStart(6)} ${String(r.events).padStart(8)} ${r.seconds.toFixed(2).padStart(10)} ${Math.round(r.eventsPerS).toString().padStart(32)} ${Math.round(r.ceiling).toString().padStart(32)}   ${(r.eventsPerS / r.ceiling).toFixed(2)}   ${Math.round(r.projectedPerS).toString().padStart(41)}   ${r.harnessCpuS.toFixed(2)} / ${r.collectorCpuS.toFixed(2)} (${r.collectorMainCpuS.toFixed(2)})   ${r.ceilingCpuS?.toFixed(2) ?? '-'}   ${r.serverCpuS === undefined ? '-' : `${r.serverCpuS.toFixed(2)} / ${r.ceilingServerCpuS!.toFixed(2)}`}`);
}
for (const r of rows) console.log(`${r.store} ${r.agents} agents: ${r.projectedWhenAcked} of ${r.events} events projected when the last batch was acked`);
const worst = rows.reduce((a, b) => (a.eventsPerS < b.eventsPerS ? a : b));
const perStore = (name: string) => {
  const mine = rows.filter((r) => r.store === name);
  if (mine.length === 0) return undefined;
  const low = mine.reduce((a, b) => (a.eventsPerS < b.eventsPerS ? a : b));
  return { events_per_s: Math.round(low.eventsPerS), ceiling_events_per_s: Math.round(low.ceiling), ratio: Number((low.eventsPerS / low.ceiling).toFixed(3)), agents: low.agents };
};
console.log(`target: ≥ 50,000 events/s with signatures, chains and seals verified and ≥ 50% of the ceiling (worst scenario: ${worst.agents} agents)`);
console.log(JSON.stringify({
  bench: 'ingest', events_per_s: Math.round(worst.eventsPerS), ceiling_events_per_s: Math.round(worst.ceiling),
  ratio: Number((worst.eventsPerS / worst.ceiling).toFixed(3)), target_events_per_s: 50_000,
  projected_events_per_s: Math.round(worst.projectedPerS),
  stores: Object.fromEntries(stores.map((name) => [name, perStore(name)])),
  scenarios: rows.map((r) => ({
    store: r.store, agents: r.agents, events: r.events, events_per_s: Math.round(r.eventsPerS), projected_events_per_s: Math.round(r.projectedPerS),
    projected_when_acked: r.projectedWhenAcked,
    ceiling_events_per_s: Math.round(r.ceiling), harness_cpu_s: Number(r.harnessCpuS.toFixed(2)), collector_cpu_s: Number(r.collectorCpuS.toFixed(2)),
    collector_main_cpu_s: Number(r.collectorMainCpuS.toFixed(2)), ceiling_cpu_s: r.ceilingCpuS === undefined ? null : Number(r.ceilingCpuS.toFixed(2)),
    runs: r.runs.map((run) => ({
      events_per_s: Math.round(run.eventsPerS), ceiling_events_per_s: Math.round(run.ceiling), seconds: Number(run.seconds.toFixed(2)),
      harness_cpu_s: Number(run.harnessCpuS.toFixed(2)), collector_cpu_s: Number(run.collectorCpuS.toFixed(2)),
      collector_main_cpu_s: Number(run.collectorMainCpuS.toFixed(2)), ceiling_cpu_s: run.ceilingCpuS === undefined ? null : Number(run.ceilingCpuS.toFixed(2)),
      server_cpu_s: run.serverCpuS === undefined ? null : Number(run.serverCpuS.toFixed(2)), ceiling_server_cpu_s: run.ceilingServerCpuS === undefined ? null : Number(run.ceilingServerCpuS.toFixed(2)),
    })),
  })),
}));
