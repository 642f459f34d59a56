import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent } from '@mamori/proto';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../../test/harness/postgres.ts';
import type { AcceptedBatch } from '../types.ts';
import { PostgresStore } from './postgres-store.ts';
import { PostgresSiemRepository } from './repositories/siem.ts';
import { PostgresUploadExceptionsRepository } from './repositories/upload-exceptions.ts';

// What only the PostgreSQL store has to get right: monthly partitions, and a projection cursor that holds when
// several connections commit in an order other than the one their ids were taken in.
const available = ensurePostgres();

const agent = (id: string) => ({ id, pc: `PC-${id}`, hardwareId: id, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
function batch(agentId: string, firstSeq: number, count: number): AcceptedBatch {
  const events = Array.from({ length: count }, (_, i) => {
    const bytes = encodeEvent({ seq: firstSeq + i, timeMs: 1_000 + i, agentId, pc: `PC-${agentId}`, user: 'u', lifecycle: {} });
    return { seq: firstSeq + i, bytes, hash: Buffer.alloc(32, i), envelope: decodeEnvelope(bytes) };
  });
  return { agentId, firstSeq, lastSeq: firstSeq + count - 1, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64), events };
}

describe.skipIf(!available)('PostgresStore (PostgreSQL only)', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stores events in the partition of the month received and drops a whole month for retention', async () => {
    const store = await PostgresStore.open({ url: await server.createDatabase('partitions') });
    try {
      await store.createAgent(agent('a'));
      const january = Date.UTC(2026, 0, 20), february = Date.UTC(2026, 1, 3);
      await store.appendBatch(batch('a', 1, 3), january);
      await store.appendBatch(batch('a', 4, 2), february);
      // A resend a month later is still recognised (idempotency spans partitions).
      expect(await store.appendBatch(batch('a', 1, 5), february)).toEqual({ inserted: 0 });
      const names = (await store.partitions.list()).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['events_y2026m01', 'events_y2026m02']));
      const perPartition = await store.pool.query<{ name: string; n: number }>(
        "SELECT tableoid::regclass::text AS name, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1");
      expect(perPartition.rows).toEqual([{ name: 'events_y2026m01', n: 3 }, { name: 'events_y2026m02', n: 2 }]);

      expect(await store.partitions.dropBefore(Date.UTC(2026, 1, 1))).toEqual(['events_y2026m01']);
      expect(await store.countEvents('a')).toBe(2);
      expect((await store.eventsBySeq('a', 1, 10)).map((e) => e.seq)).toEqual([4, 5]);
    } finally {
      await store.close();
    }
  });

  it('writes the connection states of agents whose streams change together in one statement, each agent ending as its last call left it', async () => {
    const store = await PostgresStore.open({ url: await server.createDatabase('connection_states') });
    const ids = Array.from({ length: 50 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    let writes = 0;
    const query = store.pool.query.bind(store.pool) as (...args: unknown[]) => unknown;
    (store.pool as { query: unknown }).query = (...args: unknown[]) => {
      if ((args[0] as { name?: string }).name === 'connection-states-write') writes += 1;
      return query(...args);
    };
    try {
      for (const id of ids) await store.createAgent(agent(id));
      await Promise.all([
        ...ids.map((id) => store.setConnected(id, true, 10)),
        store.setConnected('c00', false, 12),
        store.setConnected('c01', false, 11).then(() => store.setConnected('c01', true, 13)),
      ]);
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThanOrEqual(3);
      const { rows } = await store.pool.query<{ id: string; connected: boolean; seen: number }>(
        'SELECT id, connected, last_seen_ms AS seen FROM agents ORDER BY id');
      expect(rows[0]).toEqual({ id: 'c00', connected: false, seen: 12 });
      expect(rows[1]).toEqual({ id: 'c01', connected: true, seen: 13 });
      expect(rows.slice(2).every((row) => row.connected && row.seen === 10)).toBe(true);
      // A write waits for a row another transaction holds (the group append locks agents' rows), then goes on.
      const holder = await store.pool.connect();
      await holder.query("BEGIN; SELECT 1 FROM agents WHERE id = 'c02' FOR UPDATE");
      let done = false;
      const waiting = store.setConnected('c02', false, 20).then(() => { done = true; });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(done).toBe(false);
      await holder.query('COMMIT');
      holder.release();
      await waiting;
      expect((await store.getAgent('c02'))?.connected).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('never skips an event whose transaction commits after a later-numbered one was projected', async () => {
    const url = await server.createDatabase('late_commit');
    const store = await PostgresStore.open({ url });
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      await store.createAgent(agent('a'));
      await store.createAgent(agent('b'));
      // Agent a's append takes its event ids first and commits last.
      await slow.query('BEGIN');
      const b1 = batch('a', 1, 2);
      await slow.query(
        `SELECT append_batch($1, 1, 2, $2, $3, $4, $5, $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bytea[], $12::bytea[],
          NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
        ['a', b1.prevHash, b1.lastHash, b1.signature, Date.now(), [1, 2], ['PC-a', 'PC-a'], [1, 2], ['lifecycle', 'lifecycle'], ['u', 'u'],
          b1.events.map((e) => e.hash), b1.events.map((e) => e.bytes)],
      );
      await store.appendBatch(batch('b', 1, 3), Date.now());
      // b's events are committed but sit behind a transaction still running: nothing is final yet.
      expect((await store.projectPending(100)).events).toEqual([]);
      await slow.query('COMMIT');
      const pass = await store.projectPending(100);
      expect(pass.events.map((e) => `${e.stored.agentId}${e.stored.seq}`)).toEqual(['a1', 'a2', 'b1', 'b2', 'b3']);
      expect((await store.projectPending(100)).events).toEqual([]);
    } finally {
      await slow.end();
      await store.close();
    }
  });

  it('projects in transaction-id order, not its spelling: events of transactions on both sides of a power of ten are each projected once', async () => {
    // The pass reads tx as text; ORDER BY must name the column, or it sorts by the text ('1000' < '999'), a pass
    // stopping inside the later transaction moves the cursor past the earlier one, and its events are never projected.
    const store = await PostgresStore.open({ url: await server.createDatabase('projection_tx_order') });
    try {
      await store.createAgent(agent('t'));
      const xid = async () => Number((await store.pool.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0]!.x);
      const boundary = 10 ** String(await xid()).length;
      // Each autocommitted call takes one transaction id: stop two short of the boundary.
      while ((await xid()) < boundary - 3) { /* consume */ }
      await store.appendBatch(batch('t', 1, 3), Date.now());
      while ((await xid()) < boundary) { /* consume */ }
      await store.appendBatch(batch('t', 4, 3), Date.now());
      const txs = (await store.pool.query<{ tx: string }>('SELECT DISTINCT tx::text AS tx FROM events')).rows.map((r) => Number(r.tx)).sort((a, b) => a - b);
      expect(txs[0]).toBeLessThan(boundary);
      expect(txs.at(-1)).toBeGreaterThanOrEqual(boundary);
      const seqs: number[] = [];
      for (let i = 0; i < 10; i += 1) seqs.push(...(await store.projectPending(2)).events.map((e) => e.stored.seq));
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await store.close();
    }
  });

  it('SIEM export never skips an event whose transaction commits after a later-numbered one was exported', async () => {
    const url = await server.createDatabase('late_commit_siem');
    const store = await PostgresStore.open({ url });
    const siem = new PostgresSiemRepository(store.pool);
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      await store.createAgent(agent('a'));
      await store.createAgent(agent('b'));
      await store.appendBatch(batch('b', 1, 1), Date.now());
      await store.projectPending(100);
      const exported = await siem.eventsAfter(0, 100);
      await siem.advance('soc', exported.at(-1)!.position, exported.length, 1);
      // Agent a's append takes its event ids first and commits last; b's later ids commit meanwhile.
      await slow.query('BEGIN');
      const a = batch('a', 1, 2);
      await slow.query(
        `SELECT append_batch($1, 1, 2, $2, $3, $4, $5, $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bytea[], $12::bytea[],
          NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
        ['a', a.prevHash, a.lastHash, a.signature, Date.now(), [1, 2], ['PC-a', 'PC-a'], [1, 2], ['lifecycle', 'lifecycle'], ['u', 'u'],
          a.events.map((e) => e.hash), a.events.map((e) => e.bytes)],
      );
      await store.appendBatch(batch('b', 2, 2), Date.now());
      await store.projectPending(100);
      const cursor = (await siem.cursor('soc'))!.position;
      // b2 and b3 are committed, but an id cursor moved past them would leave a1 and a2 (lower ids) behind for good.
      expect(await siem.eventsAfter(cursor, 100)).toEqual([]);
      await slow.query('COMMIT');
      await store.projectPending(100);
      const after = await siem.eventsAfter(cursor, 100);
      expect(after.map((e) => `${e.agentId}${e.seq}`)).toEqual(['a1', 'a2', 'b2', 'b3']);
      expect(Math.max(after[0]!.id, after[1]!.id)).toBeLessThan(Math.min(after[2]!.id, after[3]!.id));
      expect(Math.max(after[0]!.id, after[1]!.id)).toBeGreaterThan(exported.at(-1)!.id);
    } finally {
      await slow.end();
      await store.close();
    }
  });
  it("an upload-exception change that commits late is not read past: a later grant waits, so the pusher's seq cursor never skips a PC", async () => {
    const store = await PostgresStore.open({ url: await server.createDatabase('late_commit_upload_exception') });
    // Grant A's COMMIT is held until released; grant B runs on the plain pool meanwhile.
    let reachedCommit!: () => void;
    const atCommit = new Promise<void>((resolve) => { reachedCommit = resolve; });
    let releaseCommit!: () => void;
    const commitReleased = new Promise<void>((resolve) => { releaseCommit = resolve; });
    const gatedPool = {
      connect: async () => {
        const client = await store.pool.connect();
        const query = client.query.bind(client) as (sql: string, values?: unknown[]) => Promise<pg.QueryResult>;
        return Object.assign(Object.create(client) as pg.PoolClient, {
          query: async (sql: string, values?: unknown[]) => {
            if (sql === 'COMMIT') { reachedCommit(); await commitReleased; }
            return query(sql, values);
          },
          release: () => client.release(),
        });
      },
    } as unknown as pg.Pool;
    const grant = (id: string, pc: string) => ({ id, pc, user: null, category: 'personal_cloud', domain: null, untilMs: Date.now() + 60_000, reason: 'r', createdBy: 'alice', createdMs: Date.now() });
    try {
      const plain = new PostgresUploadExceptionsRepository(store.pool);
      const a = new PostgresUploadExceptionsRepository(gatedPool).create(grant('ue-a', 'PC-A'));
      await atCommit;
      const b = plain.create(grant('ue-b', 'PC-B'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Read while A is still open: without the lock B has committed a higher seq by now, and this cursor passes A's.
      const first = await plain.changesAfter(0);
      releaseCommit();
      await Promise.all([a, b]);
      const second = await plain.changesAfter(first.cursor);
      expect([...first.pcs, ...second.pcs].sort()).toEqual(['PC-A', 'PC-B']);
    } finally {
      releaseCommit();
      await store.close();
    }
  });
});
