import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ZERO_HASH, chainHash, encodeEvent, epochRuns, evolveSealKey, generateEd25519KeyPair, loadPrivateKey, publicKeyFromRaw, sealClose,
  sealEpochZeroKey, sealEvent, signBatch, type SealCloseRecord,
} from '@mamori/proto';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { AgentRecord } from '../store/types.ts';
import { BatchCryptoPool } from './batch-crypto-pool.ts';
import { acceptSealSeed } from './seal-seeds.ts';
import { verifyBatch, type IncomingBatch } from './verify-batch.ts';
import { sealCheckInput } from './verify-seals.ts';

const limits = { maxEvents: 1_000, maxEventBytes: 65_536 };
const pools = [new BatchCryptoPool({ threads: 1 }), new BatchCryptoPool({ threads: 0 })];
afterAll(async () => {
  for (const pool of pools) await pool.close();
});

/** A sealing agent playing by the rules: events, epoch closes ('c'), batches of what it journaled since the last one. */
async function sealedAgent(store: SqliteStore, options: { sealed?: boolean } = {}) {
  const pair = generateEd25519KeyPair();
  const key = loadPrivateKey(pair.privateKeyPem);
  const id = `ag_${randomBytes(4).toString('hex')}`;
  await store.createAgent({ id, pc: 'PC-1', hardwareId: id, os: 'linux', publicKey: pair.publicKey, unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
  const seed = randomBytes(32);
  const chain = 77;
  if (options.sealed !== false) await store.addSealSeed(id, { chain, seed, fromSeq: 1, reason: 'enrollment', receivedMs: 0 });
  let sealKey = sealEpochZeroKey(seed);
  let epoch = 0;
  let seq = 0;
  let hash = ZERO_HASH;
  let pending: { seq: number; bytes: Buffer; hash: Buffer; epoch: number; seal: Buffer }[] = [];
  let sentThrough = ZERO_HASH;
  const closes: SealCloseRecord[] = [];
  const agent = {
    id, chain, seed,
    keyOf: () => sealKey,
    epoch: () => epoch,
    play(plan: string) {
      for (const step of plan) {
        if (step === 'c') {
          closes.push({ epoch, lastSeq: seq, lastHash: hash, mac: sealClose(sealKey, epoch, seq, hash) });
          sealKey = evolveSealKey(sealKey);
          epoch += 1;
        } else {
          seq += 1;
          const bytes = encodeEvent({ seq, timeMs: 1, agentId: id, pc: 'PC-1', user: 'u', lifecycle: { kind: 'STARTED', detail: `e${seq}` } });
          hash = chainHash(hash, bytes);
          pending.push({ seq, bytes, hash, epoch, seal: sealEvent(sealKey, seq, epoch, hash) });
        }
      }
    },
    /** The next batch, as the uplink builds it: the closes pointing at [first seq - 1, last seq]. */
    batch(): IncomingBatch {
      const rows = pending;
      pending = [];
      const firstSeq = rows[0]!.seq;
      const prevHash = sentThrough;
      const lastHash = rows.at(-1)!.hash;
      sentThrough = lastHash;
      const base = { firstSeq, events: rows.map((r) => r.bytes), prevHash, lastHash, signature: signBatch(key, id, firstSeq, rows.length, prevHash, lastHash) };
      if (options.sealed === false) return base;
      return {
        ...base, sealChain: chain, sealEpochRuns: epochRuns(rows.map((r) => r.epoch)), seals: Buffer.concat(rows.map((r) => r.seal)),
        sealCloses: closes.filter((c) => c.lastSeq >= firstSeq - 1 && c.lastSeq <= rows.at(-1)!.seq),
      };
    },
  };
  return agent;
}

async function ingest(store: SqliteStore, pool: BatchCryptoPool, agentId: string, batch: IncomingBatch) {
  const agent = (await store.getAgent(agentId)) as AgentRecord;
  const seeds = await store.sealSeeds(agentId);
  const crypto = () => pool.check({
    agentId, publicKey: agent.publicKey, key: publicKeyFromRaw(agent.publicKey), firstSeq: batch.firstSeq, events: batch.events,
    prevHash: batch.prevHash, lastHash: batch.lastHash, signature: batch.signature, seal: sealCheckInput(seeds, batch),
  });
  const verdict = await verifyBatch(agent, batch, store, limits, crypto, seeds);
  if (verdict.action === 'store') await store.appendBatch(verdict.batch, 1);
  return verdict;
}

describe.each(pools.map((pool) => [pool.threads ? 'on a check thread' : 'on the main thread', pool] as const))('seal verification %s', (_, pool) => {
  it('stores sealed events with their seals and close records, across busy and idle epochs', async () => {
    const store = new SqliteStore(':memory:');
    const agent = await sealedAgent(store);
    agent.play('c' + 'eee');
    expect((await ingest(store, pool, agent.id, agent.batch())).action).toBe('store');
    agent.play('c' + 'cc' + 'ee' + 'c' + 'e');
    expect((await ingest(store, pool, agent.id, agent.batch())).action).toBe('store');
    expect(await store.eventSeal(agent.id, 4)).toMatchObject({ chain: agent.chain, epoch: 4 });
    expect(await store.eventSeal(agent.id, 6)).toMatchObject({ chain: agent.chain, epoch: 5 });
    const closes = store.db.prepare('SELECT epoch, last_seq AS lastSeq FROM seal_closes WHERE agent_id = ? ORDER BY epoch').all(agent.id);
    expect(closes).toEqual([{ epoch: 0, lastSeq: 0 }, { epoch: 1, lastSeq: 3 }, { epoch: 2, lastSeq: 3 }, { epoch: 3, lastSeq: 3 }, { epoch: 4, lastSeq: 5 }]);
  });

  it('asks the store for chain segments only when a batch would be refused without one (not for every agent\'s first batch)', async () => {
    const store = new SqliteStore(':memory:');
    const agent = await sealedAgent(store);
    let segmentLookups = 0;
    const listChainSegments = store.listChainSegments.bind(store);
    store.listChainSegments = (agentId) => {
      segmentLookups += 1;
      return listChainSegments(agentId);
    };
    agent.play('c' + 'eee');
    expect((await ingest(store, pool, agent.id, agent.batch())).action).toBe('store');
    expect(segmentLookups).toBe(0);
    // A first batch claiming epoch 1 without the close of epoch 0: refused, after looking for a quarantine segment.
    const other = await sealedAgent(store);
    other.play('c' + 'ee');
    const batch = other.batch();
    const verdict = await ingest(store, pool, other.id, { ...batch, sealCloses: [] });
    expect(verdict).toMatchObject({ action: 'reject', finding: { kind: 'seal_invalid', detail: 'batch 1..2: seq 1 claims epoch 1 but epoch 0 has no close record at seq 0' } });
    expect(segmentLookups).toBe(1);
  });

  it('rejects a first event that claims a later epoch than the stored event before it without the close records between', async () => {
    const store = new SqliteStore(':memory:');
    const agent = await sealedAgent(store);
    agent.play('eee');
    await ingest(store, pool, agent.id, agent.batch());
    agent.play('ccc' + 'ee');
    const batch = agent.batch();
    const withoutCloses = { ...batch, sealCloses: batch.sealCloses!.filter((c) => c.epoch !== 1) };
    const verdict = await ingest(store, pool, agent.id, withoutCloses);
    expect(verdict).toMatchObject({ action: 'reject', finding: { kind: 'seal_invalid', detail: 'batch 4..5: seq 4 claims epoch 3 but epoch 1 has no close record at seq 3' } });
    expect(verdict.action === 'reject' && verdict.error.code).toBe('COLLECTOR_SEAL_INVALID');
    expect(await store.countEvents(agent.id)).toBe(3);
    expect((await ingest(store, pool, agent.id, batch)).action).toBe('store');
  });

  it('rejects an edited event re-sealed with the current key, and an unsealed batch from a sealed agent', async () => {
    const store = new SqliteStore(':memory:');
    const agent = await sealedAgent(store);
    agent.play('eee' + 'c' + 'ee' + 'c');
    const batch = agent.batch();
    // root at epoch 2: re-seals all events as epoch 2 with the key it holds (chain hashes unchanged)
    const now = agent.epoch();
    const resealed = {
      ...batch, sealEpochRuns: [now, batch.events.length],
      seals: Buffer.concat(batch.events.map((_, i) => sealEvent(agent.keyOf(), i + 1, now, hashAt(batch, i)))),
      sealCloses: [],
    };
    expect(await ingest(store, pool, agent.id, resealed)).toMatchObject({ action: 'reject', finding: { kind: 'seal_invalid' } });
    const { sealChain: _chain, sealEpochRuns: _epochs, seals: _seals, sealCloses: _closes, ...unsealed } = batch;
    expect(await ingest(store, pool, agent.id, unsealed)).toMatchObject({
      action: 'reject', finding: { kind: 'seal_invalid', detail: 'batch 1..5: unsealed, but this agent seals every event from seq 1' },
    });
    expect(await store.countEvents(agent.id)).toBe(0);
  });

  it('stores the events of an agent enrolled before sealing as unsealed', async () => {
    const store = new SqliteStore(':memory:');
    const agent = await sealedAgent(store, { sealed: false });
    agent.play('eee');
    expect((await ingest(store, pool, agent.id, agent.batch())).action).toBe('store');
    expect(await store.countEvents(agent.id)).toBe(3);
    expect(await store.eventSeal(agent.id, 2)).toBeUndefined();
  });
});

function hashAt(batch: IncomingBatch, index: number): Buffer {
  let hash = batch.prevHash;
  for (let i = 0; i <= index; i += 1) hash = chainHash(hash, batch.events[i]!);
  return hash;
}

describe('seal chains announced in Hello', () => {
  it("starts an unsealed agent's first chain quietly, and records a second chain as a seal reset", async () => {
    const store = new SqliteStore(':memory:');
    await store.createAgent({ id: 'ag_1', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    const agent = (await store.getAgent('ag_1'))!;
    const first = { chain: 5, seed: randomBytes(32), fromSeq: 40, reason: 'first seal chain' };
    expect((await acceptSealSeed(agent, first, store, 1)).finding).toBeUndefined();
    expect((await acceptSealSeed(agent, first, store, 2)).finding).toBeUndefined(); // sent again: nothing new
    await expect(acceptSealSeed(agent, { ...first, seed: randomBytes(32) }, store, 3)).rejects.toThrow(/already has another seed/);
    const reset = await acceptSealSeed(agent, { chain: 6, seed: randomBytes(32), fromSeq: 90, reason: 'seal state missing' }, store, 4);
    expect(reset.finding).toMatchObject({ kind: 'seal_reset' });
    expect(reset.finding!.detail).toMatch(/chain 6 from seq 90 \(seal state missing\)/);
    expect(reset.seeds.map((s) => [s.chain, s.fromSeq])).toEqual([[5, 40], [6, 90]]);
    await expect(acceptSealSeed(agent, { chain: 7, seed: randomBytes(16), fromSeq: 91, reason: '' }, store, 5)).rejects.toThrow(/seal seed is invalid/);
  });
});
