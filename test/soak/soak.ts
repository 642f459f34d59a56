// npm run soak — Mamori's delivery promise under sustained chaos (not part of npm test).
// A real collector process and a real agent process journaling ~200 events/s, the agent dialling the collector through
// a TCP proxy process. For SOAK_MINUTES (default 30) a chaos loop SIGKILLs the collector and the agent at random,
// jumps the agent's wall clock (libfaketime: LD_PRELOAD + FAKETIME_TIMESTAMP_FILE) and cuts connections at the
// proxy. Then the chaos stops, the agent is stopped (it journals STOPPED) and `mamori-agent drain` delivers the
// backlog, and the evidence is compared: the agent's journal head (every event it ever journaled) against what the
// collector stored — no duplicates, no gaps (or only declared ones) — and the collector's export of the whole
// chain is checked by the standalone verifier. Prints a table and ends with one JSON line; exits 1 if anything
// failed. SOAK_RATE (events/s, default 200), SOAK_DRAIN_SECONDS (default 300), SOAK_DIR (work folder), SOAK_ACTIONS
// (comma-separated chaos actions to limit it to) tune it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { readJournalBacklog } from '../../agent/src/core/journal-backlog.ts';
import { agentBin, collectorBin, killHard, spawnCollector, tempDir } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';
import { runChaos, type ChaosAction } from './chaos.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const rate = Number(process.env.SOAK_RATE ?? 200);
const drainSeconds = Number(process.env.SOAK_DRAIN_SECONDS ?? 300);
const work = process.env.SOAK_DIR ?? tempDir('soak');
// SOAK_ACTIONS=clock_jump,cut_connections limits the chaos to those actions (to look at one kind of trouble alone).
const onlyActions = (process.env.SOAK_ACTIONS ?? '').split(',').filter(Boolean) as ChaosAction[];
mkdirSync(work, { recursive: true });
const logFile = createWriteStream(join(work, 'soak.log'));
const startedAt = performance.now();
const log = (line: string) => {
  const stamped = `[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(7)} s] ${line}`;
  logFile.write(`${stamped}\n`);
  process.stdout.write(`${stamped}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function libfaketime(): string {
  if (!ensureDebianPackages(['faketime'], ['faketime'])) throw new Error('the soak needs Debian\'s faketime (libfaketime): apt-get install faketime');
  const candidates = readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu')).map((d) => `/usr/lib/${d}/faketime/libfaketime.so.1`);
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`libfaketime.so.1 not found in ${candidates.join(', ')}`);
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns a node child with tsx; resolves once it printed `readyWord`. */
async function spawnTsx(script: string, args: string[], readyWord: string, env: NodeJS.ProcessEnv, logName: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Each line stamped with the soak's own timeline, so a child's log lines up with the chaos actions.
  const sink = createWriteStream(join(work, `${logName}.log`), { flags: 'a' });
  child.stderr!.on('data', (chunk: Buffer) => {
    const stamp = `[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(7)} s]`;
    sink.write(chunk.toString().split('\n').filter(Boolean).map((line) => `${stamp} ${line}\n`).join(''));
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(readyWord)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, sig) => reject(new Error(`${logName} exited (${code ?? sig}) before it was ready; see ${join(work, `${logName}.log`)}`)));
  });
  return child;
}

const faketimeLib = libfaketime();
const clockFile = join(work, 'agent-clock');
writeFileSync(clockFile, '+0\n');
const grpcPort = await freePort();
const proxyPort = await freePort();
const dataDir = join(work, 'collector');
const stateDir = join(work, 'agent');
mkdirSync(stateDir, { recursive: true, mode: 0o700 });
// The agent's own settings (production defaults otherwise): no loopback endpoint on a fixed port on this shared machine.
writeFileSync(join(stateDir, 'agent.yaml'), 'local: { port: 0 }\n');

log(`work folder ${work}; collector gRPC :${grpcPort}; proxy :${proxyPort}; ${rate} events/s for ${minutes} min`);
await run(process.execPath, [collectorBin, '-d', dataDir, 'init', '--advertise', `localhost:${proxyPort}`, '--http-port', '0', '--json'], { cwd: repo });
let collector = await spawnCollector(dataDir, grpcPort);
const proxy = await spawnTsx('./tcp-proxy.ts', [String(proxyPort), String(grpcPort)], 'listening', process.env, 'proxy');
const { token } = JSON.parse((await run(process.execPath, [collectorBin, '-d', dataDir, 'token', 'create', '--json'], { cwd: repo })).stdout) as { token: string };
await run(process.execPath, [agentBin, '-s', stateDir, 'enroll', token, '--hostname', 'PC-SOAK'], { cwd: repo });
const identity = JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { agentId: string; publicKey: string };

const agentEnv = {
  ...process.env, LD_PRELOAD: faketimeLib, FAKETIME_TIMESTAMP_FILE: clockFile, FAKETIME_CACHE_DURATION: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1',
};
const startAgent = () => spawnTsx('./soak-agent.ts', [stateDir, String(rate)], 'ready', agentEnv, 'agent');
let agent = await startAgent();

const collectorDb = new Database(join(dataDir, 'collector.db'), { readonly: true });
const storedCount = () => (collectorDb.prepare('SELECT COUNT(*) AS n FROM events WHERE agent_id = ?').get(identity.agentId) as { n: number }).n;
const journalState = () => readJournalBacklog(join(stateDir, 'journal.db')) ?? { events: 0, firstSeq: null, lastSeq: 0 };

// Progress every 10 s: how far the collector is behind the agent, the figure a stall shows up in.
// A stall: the collector's count stands still while the agent has unsent events (outage, backoff, or a bug).
let maxBacklog = 0;
let lastStored = -1;
let stillSince = performance.now();
let longestStallS = 0;
const sampler = setInterval(() => {
  const journal = journalState();
  const stored = storedCount();
  maxBacklog = Math.max(maxBacklog, journal.events);
  if (stored !== lastStored || journal.events === 0) stillSince = performance.now();
  lastStored = stored;
  longestStallS = Math.max(longestStallS, (performance.now() - stillSince) / 1000);
  log(`journaled ${journal.lastSeq}, unsent ${journal.events}, collector stored ${stored}`);
}, 10_000);

const chaosStop = new AbortController();
let restarting = Promise.resolve();
const chaos = runChaos({
  killCollector: async () => {
    await killHard(collector);
    await sleep(500 + Math.random() * 4_500);
    collector = await spawnCollector(dataDir, grpcPort);
  },
  killAgent: async () => {
    await killHard(agent);
    await sleep(500 + Math.random() * 2_500);
    restarting = startAgent().then((child) => { agent = child; });
    await restarting;
  },
  setClockOffset: (offset) => writeFileSync(clockFile, `${offset}\n`),
  signalProxy: (signal) => proxy.kill(signal),
  log,
}, chaosStop.signal, { only: onlyActions });

await sleep(minutes * 60_000);
chaosStop.abort();
const chaosCounts = await chaos;
await restarting;
writeFileSync(clockFile, '+0\n');
log(`chaos over: ${JSON.stringify(chaosCounts)}; clock back to real time; stopping the agent, then mamori-agent drain (up to ${drainSeconds} s)`);

// Stop the agent (it journals STOPPED; nothing new after that), then `mamori-agent drain` delivers the backlog.
const stopped = new Promise((resolve) => agent.once('exit', resolve));
agent.kill('SIGTERM');
await stopped;
const drainStarted = performance.now();
const drain = await run(process.execPath, [agentBin, '-s', stateDir, 'drain', '--timeout', `${drainSeconds}s`, '--json'], { cwd: repo })
  .then((r) => JSON.parse(r.stdout) as { drained: boolean; eventsLeft: number }, (error: { stdout?: string; stderr?: string }) => ({
    drained: false, eventsLeft: journalState().events, error: (error.stderr ?? '').trim().split('\n').at(-1),
  }));
const caughtUpAfterS = drain.drained ? (performance.now() - drainStarted) / 1000 : null;
log(`mamori-agent drain: ${drain.drained ? `drained in ${caughtUpAfterS!.toFixed(1)} s` : `FAILED: ${'error' in drain ? drain.error : ''}`}`);
clearInterval(sampler);

// The collector-side picture, then the chain checked end to end by the standalone verifier on an export.
const journal = journalState();
const seqs = (collectorDb.prepare('SELECT seq FROM events WHERE agent_id = ? ORDER BY seq').all(identity.agentId) as { seq: number }[]).map((r) => r.seq);
const findings = collectorDb.prepare('SELECT kind, detail FROM integrity_findings WHERE agent_id = ? ORDER BY id').all(identity.agentId) as { kind: string; detail: string }[];
const lifecycle = collectorDb.prepare("SELECT COUNT(*) AS n FROM events WHERE agent_id = ? AND kind = 'lifecycle'").get(identity.agentId) as { n: number };
collectorDb.close();
const collectorExited = new Promise((resolve) => collector.once('exit', resolve));
collector.kill('SIGTERM');
await collectorExited;
const proxyCounts = await new Promise<string>((resolve) => {
  let out = '';
  proxy.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proxy.once('exit', () => resolve(out.trim().split('\n').at(-1) ?? '{}'));
  proxy.kill('SIGTERM');
});

const missing: [number, number][] = [];
let expected = 1;
for (const seq of seqs) {
  if (seq > expected) missing.push([expected, seq - 1]);
  expected = seq + 1;
}
if (journal.lastSeq >= expected) missing.push([expected, journal.lastSeq]);
const missingCount = missing.reduce((sum, [a, b]) => sum + b - a + 1, 0);
const duplicates = seqs.length - new Set(seqs).size;
const declaredKinds = new Set(['journal_overflow', 'unsent_discarded', 'journal_reset']);
const declaredGaps = findings.filter((f) => declaredKinds.has(f.kind)).length;
const findingKinds = findings.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.kind]: (acc[f.kind] ?? 0) + 1 }), {});

const exportFile = join(work, 'export.json');
await run(process.execPath, [collectorBin, '-d', dataDir, 'export', '--agent', identity.agentId, '-o', exportFile], { cwd: repo, maxBuffer: 1 << 30 });
const verifier = await run(process.execPath, [join(repo, 'proto/verifier/verify-evidence.mjs'), exportFile, '--public-key', identity.publicKey], { maxBuffer: 1 << 26 })
  .then((r) => ({ ok: true, out: r.stdout.trim() }), (error: { stdout?: string }) => ({ ok: false, out: (error.stdout ?? '').trim() }));

const equal = journal.lastSeq === seqs.length;
const ok = equal && duplicates === 0 && missingCount === 0 && verifier.ok && drain.drained;
console.log('');
console.log('soak result                       value');
console.log(`minutes of chaos               ${String(minutes).padStart(8)}`);
console.log(`events journaled by the agent  ${String(journal.lastSeq).padStart(8)}   (chain head: every event ever journaled)`);
console.log(`events stored by the collector ${String(seqs.length).padStart(8)}   (${lifecycle.n} lifecycle: STARTED/STOPPED/CLOCK_JUMP…)`);
console.log(`duplicates                     ${String(duplicates).padStart(8)}`);
console.log(`missing seqs                   ${String(missingCount).padStart(8)}   ${missing.slice(0, 5).map(([a, b]) => `${a}..${b}`).join(' ')}`);
console.log(`declared gaps (findings)       ${String(declaredGaps).padStart(8)}`);
console.log(`left in the journal            ${String(journal.events).padStart(8)}   (drain: ${drain.drained ? 'ok' : `FAILED ${'error' in drain ? drain.error : ''}`})`);
console.log(`drain after the chaos (s)      ${caughtUpAfterS === null ? '  failed' : caughtUpAfterS.toFixed(1).padStart(8)}`);
console.log(`largest backlog seen           ${String(maxBacklog).padStart(8)}`);
console.log(`longest delivery stall (s)     ${longestStallS.toFixed(0).padStart(8)}   (collector count still while events were unsent; sampled every 10 s)`);
console.log(`chaos                          ${JSON.stringify(chaosCounts)}; proxy ${proxyCounts}`);
console.log(`integrity findings             ${JSON.stringify(findingKinds)}`);
for (const f of findings.slice(0, 10)) console.log(`  ${f.kind}: ${f.detail}`);
console.log(`verifier                       ${verifier.out.split('\n').slice(-3).join(' | ')}`);
console.log(`logs                           ${work}`);
console.log(JSON.stringify({
  bench: 'soak', minutes, rate_per_s: rate, events_journaled: journal.lastSeq, events_stored: seqs.length, duplicates, missing: missingCount,
  missing_ranges: missing.slice(0, 20), declared_gaps: declaredGaps, unsent_left: journal.events, drained: drain.drained,
  drain_s: caughtUpAfterS, max_backlog: maxBacklog, longest_stall_s: Math.round(longestStallS), chaos: chaosCounts, proxy: JSON.parse(proxyCounts) as unknown,
  findings: findingKinds, chain_verified: verifier.ok, ok,
}));
logFile.end();
process.exit(ok ? 0 : 1);
