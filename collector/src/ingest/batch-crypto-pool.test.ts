import { afterEach, describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, generateEd25519KeyPair, loadPrivateKey, publicKeyFromRaw, signBatch } from '@mamori/proto';
import { loadAgentServiceProto } from '@mamori/proto/grpc';
import { BatchCryptoPool, type BatchCryptoJob } from './batch-crypto-pool.ts';
import { WireBatch, wireBatchDeserializer } from './wire-batch.ts';

const pools: BatchCryptoPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function signedBatch(agentId = 'agent-1', count = 300): { job: BatchCryptoJob & { events: Buffer[] }; expected: Buffer[] } {
  const pair = generateEd25519KeyPair();
  const events = Array.from({ length: count }, (_, i) => encodeEvent({ seq: i + 1, timeMs: i, agentId, pc: 'PC', user: 'u', printJob: { documentName: `d${i}` } }));
  const expected: Buffer[] = [];
  let hash = ZERO_HASH;
  for (const bytes of events) expected.push((hash = chainHash(hash, bytes)));
  const signature = signBatch(loadPrivateKey(pair.privateKeyPem), agentId, 1, count, ZERO_HASH, hash);
  const publicKey = Buffer.from(pair.publicKey);
  return { job: { agentId, publicKey, key: publicKeyFromRaw(publicKey), firstSeq: 1, events, prevHash: ZERO_HASH, lastHash: hash, signature }, expected };
}

describe('BatchCryptoPool', () => {
  it('on a worker thread and on this one, gives the chain hash after every event and the signature verdict', async () => {
    const threaded = new BatchCryptoPool({ threads: 1 });
    const inline = new BatchCryptoPool({ threads: 0 });
    pools.push(threaded, inline);
    expect(threaded.threads).toBe(1);
    expect(inline.threads).toBe(0);
    const { job, expected } = signedBatch();
    for (const pool of [threaded, inline]) {
      const result = await pool.check(job);
      expect(result.signed).toBe(true);
      expect(result.hashes.map((h) => h.toString('hex'))).toEqual(expected.map((h) => h.toString('hex')));
      expect(result.envelopes).toEqual(job.events.map((bytes) => decodeEnvelope(bytes)));
      expect(result.malformed).toBeUndefined();
    }
  });

  it('checks a batch given as spans of its received message (no Buffer per event) exactly as one given as Buffers', async () => {
    const connect = loadAgentServiceProto().mamori.v1.AgentService.service.Connect;
    const { job, expected } = signedBatch('agent-1', 50);
    const wire = wireBatchDeserializer(connect.requestDeserialize)(connect.requestSerialize({
      batch: { firstSeq: 1, events: job.events, prevHash: job.prevHash, lastHash: job.lastHash, signature: job.signature },
    })).batch as WireBatch;
    for (const pool of [new BatchCryptoPool({ threads: 1 }), new BatchCryptoPool({ threads: 0 })]) {
      pools.push(pool);
      // Two jobs in one message to the thread, so the second one's fields start where the spans' copies ended.
      const [spans, buffers] = await Promise.all([pool.check({ ...job, events: wire.spans }), pool.check(job)]);
      expect(spans.signed).toBe(true);
      expect(spans.hashes.map((h) => h.toString('hex'))).toEqual(expected.map((h) => h.toString('hex')));
      expect(spans.envelopes).toEqual(buffers.envelopes);
      expect(buffers.signed).toBe(true);
    }
  });

  it('says which event does not parse (the hashes still cover every event)', async () => {
    const { job } = signedBatch('agent-1', 10);
    const events = [...job.events];
    events[6] = Buffer.from([0x0b, 0x0c]); // wire type 3: not a message of ours
    for (const pool of [new BatchCryptoPool({ threads: 1 }), new BatchCryptoPool({ threads: 0 })]) {
      pools.push(pool);
      const result = await pool.check({ ...job, events });
      expect(result.envelopes).toBeUndefined();
      expect(result.malformed).toMatchObject({ index: 6 });
      expect(result.malformed!.message).toMatch(/wire type 3/);
      expect(result.hashes).toHaveLength(10);
    }
  });

  it('says unsigned for another key, a changed header or a flipped signature bit', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const { job } = signedBatch();
    const other = signedBatch();
    const flipped = Buffer.from(job.signature);
    flipped[5]! ^= 1;
    expect((await pool.check({ ...job, publicKey: other.job.publicKey, key: other.job.key })).signed).toBe(false);
    expect((await pool.check({ ...job, firstSeq: 2 })).signed).toBe(false);
    expect((await pool.check({ ...job, agentId: 'agent-2' })).signed).toBe(false);
    expect((await pool.check({ ...job, signature: flipped })).signed).toBe(false);
    expect((await pool.check(job)).signed).toBe(true);
  });

  it('keeps many batches from many agents apart when they are in flight together', async () => {
    const pool = new BatchCryptoPool({ threads: 2 });
    pools.push(pool);
    const batches = Array.from({ length: 20 }, (_, i) => signedBatch(`agent-${i}`, 50 + i));
    const results = await Promise.all(batches.map((b) => pool.check(b.job)));
    results.forEach((result, i) => {
      expect(result.signed).toBe(true);
      expect(result.hashes.at(-1)!.equals(batches[i]!.expected.at(-1)!)).toBe(true);
      expect(result.hashes).toHaveLength(50 + i);
    });
  });

  it('fails a job it cannot check with the reason, and goes on; without threads it checks on this thread', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const { job } = signedBatch();
    // A public key of the wrong length makes the worker's key import throw: it answers with an error.
    await expect(pool.check({ ...job, publicKey: Buffer.alloc(5) })).rejects.toThrow(/32 bytes/);
    expect((await pool.check(job)).signed).toBe(true);
    await pool.close();
    expect(pool.threads).toBe(0);
    expect((await pool.check(job)).signed).toBe(true);
  });

  it('posts the jobs handed over in one turn together, and a job that fails among them shifts no other job\'s fields', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const batches = Array.from({ length: 6 }, (_, i) => signedBatch(`agent-${i}`, 10 + i * 7));
    // Handed over in the same turn: one message to the thread. Job 2's key is 5 bytes (its import throws there).
    const results = batches.map((b, i) => pool.check(i === 2 ? { ...b.job, publicKey: Buffer.alloc(5) } : b.job));
    await expect(results[2]).rejects.toThrow(/32 bytes/);
    for (const i of [0, 1, 3, 4, 5]) {
      const result = await results[i]!;
      expect(result.signed).toBe(true);
      expect(result.hashes.map((h) => h.toString('hex'))).toEqual(batches[i]!.expected.map((h) => h.toString('hex')));
      expect(result.envelopes!.map((e) => e.seq)).toEqual(batches[i]!.job.events.map((_, n) => n + 1));
    }
  });

  it('finishes on this thread the checks its threads had not answered when they stop', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const batches = Array.from({ length: 5 }, (_, i) => signedBatch(`agent-${i}`, 400));
    const results = batches.map((b) => pool.check(b.job));
    await pool.close();
    for (const [i, result] of (await Promise.all(results)).entries()) {
      expect(result.signed).toBe(true);
      expect(result.hashes.at(-1)!.equals(batches[i]!.expected.at(-1)!)).toBe(true);
    }
  });

  it('hands a result over without waiting for the event loop: taking the replies is enough (a thread busy reading sockets)', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const { job, expected } = signedBatch('agent-1', 50);
    let result: Awaited<ReturnType<BatchCryptoPool['check']>> | undefined;
    void pool.check(job).then((value) => (result = value));
    // Only microtasks run in this loop (no timer, no 'message' event can fire), so the result can come only
    // from drainReplies.
    const deadline = Date.now() + 10_000;
    while (!result && Date.now() < deadline) {
      const until = Date.now() + 5;
      while (Date.now() < until) { /* the worker checks meanwhile */ }
      pool.drainReplies();
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
    }
    expect(result?.signed).toBe(true);
    expect(result?.hashes.at(-1)!.equals(expected.at(-1)!)).toBe(true);
  });

  it('checks a batch whose fields are views into one larger received buffer the same as one with buffers of its own', async () => {
    const pool = new BatchCryptoPool({ threads: 1 });
    pools.push(pool);
    const { job } = signedBatch('agent-1', 20);
    // As gRPC hands them over: every field a view into the one buffer the message was read into.
    const wire = Buffer.concat([Buffer.alloc(1000), job.prevHash, job.lastHash, job.signature, Buffer.alloc(1000)]);
    const views = { ...job, prevHash: wire.subarray(1000, 1032), lastHash: wire.subarray(1032, 1064), signature: wire.subarray(1064, 1128) };
    const [own, viewed] = await Promise.all([pool.check(job), pool.check(views)]);
    expect(viewed.signed).toBe(true);
    expect(viewed.hashes.map((h) => h.toString('hex'))).toEqual(own.hashes.map((h) => h.toString('hex')));
    // The received buffer is untouched (copies were posted, not the views' buffer).
    expect(wire.subarray(1000, 1032).equals(job.prevHash)).toBe(true);
  });
});
