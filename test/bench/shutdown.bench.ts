// bench:shutdown — a collector stopped with SIGTERM while its projector has a backlog. BENCH_BACKLOG (default
// 50,000) print events are stored as ingest stores them (evidence only, not projected); a collector process
// starts on that data dir and begins projecting; after BENCH_STOP_AFTER_MS (default 1,000) it gets SIGTERM.
// Prints how long it took to exit, how much was left unprojected, and how long a second start took to finish the
// backlog from the persisted cursor (and that every event was projected exactly once). Ends with one JSON line.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { decodeEnvelope, encodeEvent } from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { initTestCollector, spawnCollector } from '../harness/collector.ts';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 50_000);
const STOP_AFTER_MS = Number(process.env.BENCH_STOP_AFTER_MS ?? 1_000);
const BATCH = 1_000;

async function seed(store: SqliteStore): Promise<void> {
  await store.createAgent({ id: 'agent-1', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
  for (let first = 1; first <= BACKLOG; first += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, BACKLOG - first + 1) }, (_, i) => {
      const seq = first + i;
      const bytes = encodeEvent({
        seq, timeMs: 1_700_000_000_000 + seq, agentId: 'agent-1', pc: 'PC-1', user: 'tanaka',
        printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 2, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
      });
      return { seq, bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
    });
    await store.appendBatch({
      agentId: 'agent-1', firstSeq: first, lastSeq: first + events.length - 1, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32),
      signature: Buffer.alloc(64), events,
    }, Date.now());
  }
}

/** Projected print jobs (print_jobs.event_id is unique, so a second projection of an event could not add a row). */
function projected(store: SqliteStore): number {
  return (store.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get() as { n: number }).n;
}

async function terminate(child: ChildProcess): Promise<number> {
  const started = performance.now();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return performance.now() - started;
}

const { dataDir } = await initTestCollector();
const dbPath = join(dataDir, 'collector.db');
const store = new SqliteStore(dbPath);
await seed(store);

let child = await spawnCollector(dataDir, 0);
await new Promise((resolve) => setTimeout(resolve, STOP_AFTER_MS));
const exitMs = await terminate(child);
const atStop = projected(store);

const restarted = performance.now();
child = await spawnCollector(dataDir, 0);
while (projected(store) < BACKLOG) await new Promise((resolve) => setTimeout(resolve, 100));
const resumeMs = performance.now() - restarted;
await terminate(child);
const final = projected(store);
await store.close();

console.log(`backlog ${BACKLOG} events; SIGTERM after ${STOP_AFTER_MS} ms → exited in ${exitMs.toFixed(0)} ms with ${BACKLOG - atStop} left unprojected`);
console.log(`second start projected the rest in ${(resumeMs / 1000).toFixed(1)} s (start-up included); print_jobs ${final} of ${BACKLOG}`);
console.log(JSON.stringify({
  backlog: BACKLOG, sigterm_exit_ms: Math.round(exitMs), left_at_stop: BACKLOG - atStop,
  resume_s: Number((resumeMs / 1000).toFixed(1)), all_projected: final === BACKLOG,
}));
