// bench:connections — how many idle agents one collector holds: BENCH_AGENTS (default 20,000) simulated agents,
// spread over BENCH_CHILDREN processes of their own (default: one per 2,500 agents, at least 4), each with its own
// TLS connection and stream, authenticated, heartbeating every BENCH_HEARTBEAT_MS (default 30 s, the agent's
// default). Measured on the collector process (spawned like the systemd unit runs it): resident memory per 1,000
// agents (RSS with all agents connected and idle, minus RSS before the first one), CPU share of one core over
// BENCH_IDLE_S of idle heartbeats, and after a collector restart (SIGTERM, then started again on the same port) the
// time until every agent is welcomed again — the agents reconnect with the real uplink's backoff (see
// connections-agents-child.ts). Target (issue 14): 20,000 agents on this 2-core machine. JSON keys `agents`,
// `rss_mb_per_1000_agents`, `reconnect_all_s`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCollectorConfig, openCollectorStore } from '@mamori/collector';
import { DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS } from '../../agent/src/uplink/backoff.ts';
import { certificateFingerprint } from '../../collector/src/pki/certificates.ts';
import { createEnrollmentToken } from '../../collector/src/tokens.ts';
import { initTestCollector, killHard, spawnCollector } from '../harness/collector.ts';
import { serviceEnvironment } from './service-environment.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 20_000);
// At most 2,500 simulated agents per process, so one process's event loop (their TLS) does not bound the reconnect.
const CHILDREN = Math.max(1, Math.min(Number(process.env.BENCH_CHILDREN ?? Math.max(4, Math.ceil(AGENTS / 2_500))), AGENTS));
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 30_000);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const TARGET_AGENTS = 20_000;
const FILE_LIMIT = 65_536;
/** Files the collector holds besides agent sockets (database, WAL, listeners, epoll, worker pipes), with headroom. */
const COLLECTOR_OWN_FILES = 200;
const collectorEnv = serviceEnvironment(fileURLToPath(new URL('../../installers/linux/collector/mamori-collector.service', import.meta.url)));
// The collector holds one socket per agent. Node raises its soft open-file limit to the hard one, which systemd
// sets to 524,288 for a service by default; on this machine the hard limit is 20,000 — below 20,000 agents plus the
// collector's own files. Raised here when the process may (CAP_SYS_RESOURCE), so the collector and the agents'
// processes spawned from here inherit it; where it may not, a count that cannot fit stops the bench at once
// instead of leaving the last agents refused (EMFILE) until the 30-minute wait runs out.
try {
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${FILE_LIMIT}:${FILE_LIMIT}`], { stdio: 'ignore' });
} catch {
  // not permitted: checked below against the limit in force
}
const openFileLimit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Infinity);
if (AGENTS + COLLECTOR_OWN_FILES > openFileLimit) {
  throw new Error(`bench:connections: the open-file limit here is ${openFileLimit} and may not be raised, so one collector process cannot hold ${AGENTS} agents (one socket each, plus ~${COLLECTOR_OWN_FILES} of its own files): at most BENCH_AGENTS=${openFileLimit - COLLECTOR_OWN_FILES}`);
}
const childScript = fileURLToPath(new URL('./connections-agents-child.ts', import.meta.url));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench:connections: timed out waiting for ${what}`);
    await sleep(50);
  }
}

const { dataDir } = await initTestCollector();
const grpcPort = 20_000 + Math.floor(Math.random() * 20_000);
let collector: ChildProcess = await spawnCollector(dataDir, grpcPort, collectorEnv);
const children: ChildProcess[] = [];
try {
  await sleep(2_000);
  const baseRss = rssMb(collector.pid!);
  const probe = await openCollectorStore(loadCollectorConfig(dataDir));
  const { token } = await createEnrollmentToken(probe, {
    address: `localhost:${grpcPort}`, caFingerprint: certificateFingerprint(readFileSync(join(dataDir, 'ca.crt'), 'utf8')), ttlMs: 3_600_000, uses: AGENTS, actor: 'bench', now: Date.now(),
  });
  await probe.close();

  const enrolled = new Array<number>(CHILDREN).fill(0);
  const welcomed = new Array<number>(CHILDREN).fill(0);
  const started = performance.now();
  for (let c = 0; c < CHILDREN; c += 1) {
    const share = Math.floor(AGENTS / CHILDREN) + (c < AGENTS % CHILDREN ? 1 : 0);
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, token, String(share), String(HEARTBEAT_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { enrolled?: number; welcomed?: number };
      if (message.enrolled !== undefined) enrolled[c] = message.enrolled;
      if (message.welcomed !== undefined) welcomed[c] = message.welcomed;
    });
  }
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  await waitUntil(() => sum(enrolled) === AGENTS, 30 * 60_000, `${AGENTS} enrollments`);
  const enrolledS = (performance.now() - started) / 1000;
  await waitUntil(() => sum(welcomed) === AGENTS, 30 * 60_000, `${AGENTS} streams welcomed`);
  const connectedS = (performance.now() - started) / 1000;
  console.log(`${AGENTS} agents enrolled in ${enrolledS.toFixed(1)} s, all connected after ${connectedS.toFixed(1)} s`);

  const cpuBefore = cpuSeconds(collector.pid!);
  const idleStarted = performance.now();
  await sleep(IDLE_S * 1000);
  const cpuPercent = ((cpuSeconds(collector.pid!) - cpuBefore) / ((performance.now() - idleStarted) / 1000)) * 100;
  const idleRss = rssMb(collector.pid!);
  const perThousand = ((idleRss - baseRss) / AGENTS) * 1000;
  console.log(`collector RSS ${baseRss.toFixed(0)} MB before agents, ${idleRss.toFixed(0)} MB with ${AGENTS} idle agents: ${perThousand.toFixed(1)} MB per 1,000; CPU ${cpuPercent.toFixed(1)} % of one core while idle (heartbeat every ${HEARTBEAT_MS / 1000} s)`);

  // Restart: a graceful stop, then the same data dir and port; time from "listening" to every agent welcomed.
  const exited = new Promise((resolve) => collector.once('exit', resolve));
  collector.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  await killHard(collector);
  await waitUntil(() => sum(welcomed) === 0, 60_000, 'every stream to notice the restart');
  collector = await spawnCollector(dataDir, grpcPort, collectorEnv);
  const restarted = performance.now();
  await waitUntil(() => sum(welcomed) === AGENTS, 30 * 60_000, `${AGENTS} streams welcomed again`);
  const reconnectS = (performance.now() - restarted) / 1000;
  console.log(`after a collector restart, all ${AGENTS} agents welcomed again in ${reconnectS.toFixed(1)} s (agents back off ${DEFAULT_BACKOFF_INITIAL_MS / 1000} s doubling, with jitter, up to ${DEFAULT_BACKOFF_MAX_MS / 1000} s)`);
  console.log(`target: ${TARGET_AGENTS.toLocaleString()} agents on one collector on this machine`);
  console.log(JSON.stringify({
    bench: 'connections', agents: AGENTS, target_agents: TARGET_AGENTS, rss_mb_per_1000_agents: Math.round(perThousand * 10) / 10,
    collector_rss_mb: Math.round(idleRss), cpu_percent_idle: Math.round(cpuPercent * 10) / 10, heartbeat_ms: HEARTBEAT_MS,
    connect_all_s: Math.round(connectedS * 10) / 10, reconnect_all_s: Math.round(reconnectS * 10) / 10,
  }));
} finally {
  for (const child of children) child.kill('SIGTERM');
  await killHard(collector);
  rmSync(dataDir, { recursive: true, force: true });
}
