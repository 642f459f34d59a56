import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// A second connection holds the write lock, as another process would: only a raw handle can do that.
// eslint-disable-next-line no-restricted-imports
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { CollectorHub, type IngestedEvent } from '../hub.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { IntegrityFinding } from '../store/types.ts';
import { Projector } from './projector.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openStore(path: string): Promise<SqliteStore> {
  const store = new SqliteStore(path);
  if (!(await store.getAgent('agent-1'))) {
    await store.createAgent({ id: 'agent-1', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
  }
  return store;
}

const printJob = (seq: number): Event => ({
  seq, timeMs: 1_700_000_000_000 + seq, agentId: 'agent-1', pc: 'PC-1', user: 'tanaka',
  printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 2, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
});

/** Stores signed-event bytes as ingest does (envelope only), without projecting them. */
async function ingest(store: SqliteStore, firstSeq: number, events: Buffer[]): Promise<void> {
  await store.appendBatch({
    agentId: 'agent-1', firstSeq, lastSeq: firstSeq + events.length - 1, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1),
    signature: Buffer.alloc(64), events: events.map((bytes, i) => ({ seq: firstSeq + i, bytes, hash: Buffer.alloc(32, i), envelope: decodeEnvelope(bytes) })),
  }, Date.now());
}

const printJobRows = (store: SqliteStore): number => (store.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get() as { n: number }).n;

describe('Projector', () => {
  it('projects every stored event once, in order, and resumes from its cursor after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-projector-'));
    dirs.push(dir);
    const path = join(dir, 'c.db');
    let store = await openStore(path);
    const hub = new CollectorHub();
    const seen: number[] = [];
    hub.on('events', (events: IngestedEvent[]) => seen.push(...events.map((e) => e.stored.seq)));
    const projector = new Projector(store, hub, { chunk: 7 });
    await ingest(store, 1, Array.from({ length: 50 }, (_, i) => encodeEvent(printJob(i + 1))));
    projector.notify();
    await projector.idle();
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(printJobRows(store)).toBe(50);
    await projector.stop();
    await store.close();

    // Stored but not projected when the collector stopped: the next one projects exactly those.
    store = await openStore(path);
    await ingest(store, 51, Array.from({ length: 10 }, (_, i) => encodeEvent(printJob(i + 51))));
    await store.close();
    store = await openStore(path);
    const after: number[] = [];
    const hub2 = new CollectorHub();
    hub2.on('events', (events: IngestedEvent[]) => after.push(...events.map((e) => e.stored.seq)));
    const restarted = new Projector(store, hub2);
    restarted.notify();
    await restarted.idle();
    expect(after).toEqual(Array.from({ length: 10 }, (_, i) => i + 51));
    expect(printJobRows(store)).toBe(60);
    await store.close();
  });

  it('projects only while it holds the leadership, catching up from the cursor when it gains it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-projector-'));
    dirs.push(dir);
    const store = await openStore(join(dir, 'c.db'));
    const hub = new CollectorHub();
    const seen: number[] = [];
    hub.on('events', (events: IngestedEvent[]) => seen.push(...events.map((e) => e.stored.seq)));
    const projector = new Projector(store, hub, { chunk: 7, leader: false });
    await ingest(store, 1, Array.from({ length: 20 }, (_, i) => encodeEvent(printJob(i + 1))));
    projector.notify();
    await projector.idle();
    expect(seen).toEqual([]);
    expect(printJobRows(store)).toBe(0);
    projector.setLeader(true); // no notify needed: the new leader looks for the backlog itself
    await projector.idle();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    projector.setLeader(false);
    await ingest(store, 21, [encodeEvent(printJob(21))]);
    projector.notify();
    await projector.idle();
    expect(printJobRows(store)).toBe(20);
    await projector.stop();
    await store.close();
  });

  it('runs beforeLeading (the alert windows\' rebuild) before the first pass of each leadership, retrying it when it fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-projector-'));
    dirs.push(dir);
    const store = await openStore(join(dir, 'c.db'));
    const hub = new CollectorHub();
    const log: string[] = [];
    hub.on('events', (events: IngestedEvent[]) => log.push(`events ${events.map((e) => e.stored.seq).join(',')}`));
    let failNext = true;
    const projector = new Projector(store, hub, {
      leader: false, onError: (error) => log.push(`error ${(error as Error).message}`),
      beforeLeading: async () => {
        log.push(`rebuild with ${printJobRows(store)} projected`);
        if (failNext) { failNext = false; throw new Error('database busy'); }
      },
    });
    await ingest(store, 1, [encodeEvent(printJob(1)), encodeEvent(printJob(2))]);
    projector.setLeader(true);
    await projector.idle();
    expect(log).toEqual(['rebuild with 0 projected', 'error database busy', 'rebuild with 0 projected', 'events 1,2']);
    // Further passes of the same leadership go straight on; a leadership lost and regained rebuilds again.
    await ingest(store, 3, [encodeEvent(printJob(3))]);
    projector.notify();
    await projector.idle();
    projector.setLeader(false);
    projector.setLeader(true);
    await projector.idle();
    expect(log.slice(4)).toEqual(['events 3', 'rebuild with 3 projected']);
    await projector.stop();
    await store.close();
  });

  it('keeps a signed event whose payload does not decode as evidence, reports it, and goes on', async () => {
    const store = await openStore(':memory:');
    const hub = new CollectorHub();
    const findings: IntegrityFinding[] = [];
    const projected: number[] = [];
    hub.on('integrity', (finding) => findings.push(finding));
    hub.on('events', (events: IngestedEvent[]) => projected.push(...events.map((e) => e.stored.seq)));
    // A valid envelope (seq 2 of agent-1) whose print_job field (12) holds a truncated varint.
    const envelope = encodeEvent({ seq: 2, timeMs: 5, agentId: 'agent-1', pc: 'PC-1', user: 'u' });
    const broken = Buffer.concat([envelope, Buffer.from([(12 << 3) | 2, 2, 0xff, 0xff])]);
    expect(decodeEnvelope(broken).kind).toBe('print_job');
    await ingest(store, 1, [encodeEvent(printJob(1)), broken, encodeEvent(printJob(3))]);
    const projector = new Projector(store, hub);
    projector.notify();
    await projector.idle();
    expect(projected).toEqual([1, 3]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ agentId: 'agent-1', kind: 'malformed_signed_event' });
    expect(findings[0]!.detail).toContain('signed event 2');
    expect(await store.listIntegrityFindings('agent-1')).toHaveLength(1);
    expect((await store.eventsBySeq('agent-1', 2, 2))[0]!.bytes.equals(broken)).toBe(true);
    await store.close();
  });

  it('still projects everything while ingest keeps storing (it yields, it does not starve)', async () => {
    const store = await openStore(':memory:');
    const hub = new CollectorHub();
    let count = 0;
    hub.on('events', (events: IngestedEvent[]) => (count += events.length));
    const projector = new Projector(store, hub, { chunk: 10, busyShare: 0.2 });
    let seq = 0;
    for (let round = 0; round < 20; round += 1) {
      await ingest(store, seq + 1, Array.from({ length: 25 }, (_, i) => encodeEvent(printJob(seq + i + 1))));
      seq += 25;
      projector.notify();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await projector.idle();
    expect(count).toBe(500);
    expect(printJobRows(store)).toBe(500);
    await store.close();
  });
});

describe('Projector under a locked database and at stop', () => {
  it('retries a busy database with back-off and catches up without any new batch arriving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-projector-'));
    dirs.push(dir);
    const path = join(dir, 'c.db');
    const store = await openStore(path);
    store.db.pragma('busy_timeout = 0'); // fail at once instead of waiting 5 s for the lock
    await ingest(store, 1, Array.from({ length: 30 }, (_, i) => encodeEvent(printJob(i + 1))));
    // Another connection (as the CLI or a second process would) holds the write lock.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const errors: string[] = [];
    const projector = new Projector(store, new CollectorHub(), {
      chunk: 10,
      onError: (error) => {
        errors.push(String((error as { code?: string }).code));
        if (errors.length === 2) other.exec('COMMIT'); // the lock clears after two failed passes
      },
    });
    projector.notify(); // the only notify: the retries must not wait for new input
    await projector.idle();
    expect(errors).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    expect(printJobRows(store)).toBe(30);
    other.close();
    await store.close();
  });

  it('stops after the chunk in hand, leaving the backlog to the next projector, which projects it exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-projector-'));
    dirs.push(dir);
    const path = join(dir, 'c.db');
    let store = await openStore(path);
    const total = 2_000;
    for (let first = 1; first <= total; first += 500) {
      await ingest(store, first, Array.from({ length: 500 }, (_, i) => encodeEvent(printJob(first + i))));
    }
    const seen: number[] = [];
    const hub = new CollectorHub();
    const projector = new Projector(store, hub, { chunk: 20 });
    let stopping: Promise<void> | undefined;
    hub.on('events', (events: IngestedEvent[]) => {
      seen.push(...events.map((e) => e.stored.seq));
      stopping ??= projector.stop(); // SIGTERM arrives while the first chunk is being handed on
    });
    projector.notify();
    await projector.idle();
    await stopping;
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(printJobRows(store)).toBe(20);
    projector.notify(); // a stopped projector takes no more work
    await projector.idle();
    expect(printJobRows(store)).toBe(20);
    await store.close();

    store = await openStore(path);
    const resumed = new Projector(store, hub, { chunk: 200 });
    resumed.notify();
    await resumed.idle();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(printJobRows(store)).toBe(total);
    await store.close();
  });
});
