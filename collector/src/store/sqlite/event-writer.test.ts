import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ZERO_HASH, decodeEnvelope, encodeEvent } from '@mamori/proto';
import { storeContract } from '../store-contract.ts';
import type { AcceptedBatch } from '../types.ts';
import { SqliteStore } from './sqlite-store.ts';

// What the collector's threads/module-worker.ts does (store/ does not import it): run a TypeScript module on a thread.
const workers: Worker[] = [];
const startWorker = (moduleUrl: URL, data: unknown): Worker => {
  const worker = new Worker(new URL('../../threads/module-worker.mjs', import.meta.url), { workerData: { mamoriWorker: { module: moduleUrl.href }, data } });
  workers.push(worker);
  return worker;
};

const dirs: string[] = [];
const newPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-event-writer-'));
  dirs.push(dir);
  return join(dir, 'collector.db');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const threaded = (path: string) => {
  const store = new SqliteStore(path);
  store.startEventWriter(startWorker, { onWarning: () => undefined });
  return store;
};

// Everything the store promises holds with appends on the writer thread.
storeContract('SQLite, evidence appended on the writer thread', async () => {
  const path = newPath();
  const store = threaded(path);
  return {
    store,
    async reopen() {
      await store.close();
      return threaded(path);
    },
  };
});

const agentId = 'agent-1';
const pc = 'PC-1';
let head = ZERO_HASH;
/** Consecutive print-job batches of agent-1 with real chain hashes. */
function batch(firstSeq: number, count: number): AcceptedBatch {
  const prevHash = head;
  const events = Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const bytes = encodeEvent({
      seq, timeMs: 1_700_000_000_000 + seq, agentId, pc, user: 'tanaka',
      printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 1, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
    });
    head = createHash('sha256').update(head).update(bytes).digest();
    return { seq, bytes, hash: head, envelope: decodeEnvelope(bytes) };
  });
  return { agentId, firstSeq, lastSeq: firstSeq + count - 1, prevHash, lastHash: head, signature: Buffer.alloc(64, firstSeq % 256), events };
}

describe('SqliteStore with the event writer thread', () => {
  const opened: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    head = ZERO_HASH;
  });

  const open = async () => {
    const store = threaded(newPath());
    opened.push(store);
    await store.createAgent({ id: agentId, pc, hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
    return store;
  };

  it('lets the store\'s own writes and transactions run between the appends without failing or losing either', async () => {
    const store = await open();
    const appends: Promise<{ inserted: number }>[] = [];
    let projected = 0;
    for (let i = 0; i < 40; i += 1) {
      appends.push(store.appendBatch(batch(1 + i * 50, 50), 1_000 + i));
      // While the writer thread commits: a lone write, a read-then-write transaction (projection), a connection flag.
      await store.recordIntegrityFinding({ agentId, pc, timeMs: i, kind: 'sequence_gap', detail: `finding ${i}` });
      projected += (await store.projectPending(30)).events.length;
      await store.setConnected(agentId, i % 2 === 0, 2_000 + i);
    }
    expect((await Promise.all(appends)).map((r) => r.inserted)).toEqual(Array(40).fill(50));
    for (let pass = await store.projectPending(500); pass.events.length > 0; pass = await store.projectPending(500)) projected += pass.events.length;
    expect(await store.countEvents(agentId)).toBe(2_000);
    expect(await store.listIntegrityFindings(agentId)).toHaveLength(40);
    const agent = await store.getAgent(agentId);
    expect(agent).toMatchObject({ lastSeq: 2_000, connected: false, lastSeenMs: 2_039 });
    expect(agent!.lastHash.equals(head)).toBe(true);
    const stored = await store.eventsBySeq(agentId, 1_999, 2_000);
    expect(stored.map((e) => e.seq)).toEqual([1_999, 2_000]);
    expect(stored[1]!.hash.equals(head)).toBe(true);
    expect(projected).toBe(2_000);
  });

  it('when the thread dies, fails only the batches it held; later ones, and those sent again, are stored on the store\'s connection', async () => {
    const warnings: string[] = [];
    const path = newPath();
    const own = new SqliteStore(path);
    opened.push(own);
    await own.createAgent({ id: agentId, pc, hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
    let thread: Worker | undefined;
    own.startEventWriter((url, data) => (thread = startWorker(url, data)), { onWarning: (message) => warnings.push(message) });
    const first = batch(1, 100);
    expect(await own.appendBatch(first, 1)).toEqual({ inserted: 100 });
    const held = batch(101, 100);
    const pending = own.appendBatch(held, 2);
    await thread!.terminate();
    // Held by the thread when it died: whether it committed is unknown, so it is refused (the agent sends it again).
    const outcome = await pending.then(() => 'stored', () => 'refused');
    const after = batch(201, 100);
    expect(await own.appendBatch(after, 3)).toEqual({ inserted: 100 });
    expect((await own.appendBatch(held, 4)).inserted).toBe(outcome === 'refused' ? 100 : 0);
    expect(await own.countEvents(agentId)).toBe(300);
    expect((await own.getAgent(agentId))?.lastSeq).toBe(300);
    expect(warnings.some((w) => w.includes('event writer thread stopped'))).toBe(true);
  });
});
