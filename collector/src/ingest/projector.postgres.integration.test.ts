import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { CollectorHub, type IngestedEvent } from '../hub.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { Projector } from './projector.ts';

// Issue 14 item 4 on a real PostgreSQL 15: a failing pass is retried without new input, and stop() does not wait
// for the backlog (the cursor is persisted; the next start projects exactly the rest).
const available = ensurePostgres();

const printJob = (seq: number): Event => ({
  seq, timeMs: 1_700_000_000_000 + seq, agentId: 'agent-1', pc: 'PC-1', user: 'tanaka',
  printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 2, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
});

/** Stores `count` events as ingest does (envelope only), in batches of 500, without projecting them. */
async function ingest(store: PostgresStore, count: number): Promise<void> {
  await store.createAgent({ id: 'agent-1', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
  for (let first = 1; first <= count; first += 500) {
    const bytes = Array.from({ length: Math.min(500, count - first + 1) }, (_, i) => encodeEvent(printJob(first + i)));
    await store.appendBatch({
      agentId: 'agent-1', firstSeq: first, lastSeq: first + bytes.length - 1, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
      events: bytes.map((b, i) => ({ seq: first + i, bytes: b, hash: Buffer.alloc(32, i % 256), envelope: decodeEnvelope(b) })),
    }, Date.now());
  }
}

const waitFor = async (condition: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.skipIf(!available)('Projector on PostgreSQL', () => {
  let server: PostgresServer;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh database whose sessions give up on a lock after 200 ms (so a held lock fails a pass instead of hanging it). */
  async function freshStore(): Promise<{ url: string; store: PostgresStore }> {
    databases += 1;
    const name = `projector_${databases}`;
    const url = await server.createDatabase(name);
    const setup = await PostgresStore.open({ url });
    await setup.pool.query(`ALTER DATABASE ${name} SET lock_timeout = '200ms'`);
    await setup.close();
    return { url, store: await PostgresStore.open({ url }) };
  }

  it('retries a pass that failed on a held lock, with no new input, and projects every event once', async () => {
    const { store } = await freshStore();
    await ingest(store, 30);
    const hub = new CollectorHub();
    const seen: number[] = [];
    hub.on('events', (events: IngestedEvent[]) => seen.push(...events.map((e) => e.stored.seq)));
    const errors: string[] = [];
    const projector = new Projector(store, hub, { chunk: 10, onError: (error) => errors.push((error as { code?: string }).code ?? String(error)) });
    // Another session (another collector's pass, a migration) holds the cursor row's table.
    const locker = await store.pool.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE projection_cursor IN ACCESS EXCLUSIVE MODE');
    projector.notify();
    await waitFor(() => errors.length >= 2);
    expect(seen).toEqual([]);
    await locker.query('COMMIT');
    locker.release();
    // No notify() after the lock went: the projector's own retry must carry on.
    await waitFor(() => seen.length === 30);
    await projector.idle();
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(errors)).toEqual(new Set(['55P03']));
    await projector.stop();
    await store.close();
  });

  it('stops after the chunk in hand, not after the backlog; the next start projects exactly the rest', async () => {
    const { url, store } = await freshStore();
    const total = 3_000;
    await ingest(store, total);
    const hub = new CollectorHub();
    const seen: number[] = [];
    let stopping: Promise<void> | undefined;
    const projector = new Projector(store, hub, { chunk: 50 });
    hub.on('events', (events: IngestedEvent[]) => {
      seen.push(...events.map((e) => e.stored.seq));
      stopping ??= projector.stop();
    });
    projector.notify();
    await waitFor(() => stopping !== undefined);
    await stopping;
    const beforeRestart = seen.length;
    expect(beforeRestart).toBeGreaterThan(0);
    expect(beforeRestart).toBeLessThan(total);
    await store.close();

    const again = await PostgresStore.open({ url });
    const hub2 = new CollectorHub();
    hub2.on('events', (events: IngestedEvent[]) => seen.push(...events.map((e) => e.stored.seq)));
    const next = new Projector(again, hub2, { chunk: 500 });
    next.notify();
    await waitFor(() => seen.length >= total);
    await next.stop();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await again.close();
  });
});
