import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash } from '../verifier/verify-evidence.mjs';
import {
  MAX_SEAL_EPOCH_STEP, SealKeyCursor, checkBatchSeals, epochRuns, eventSealer, evolveSealKey, expandEpochRuns, sealClose, sealEpochZeroKey, sealEvent, type SealCloseRecord,
} from './seal.mjs';

/** A sealing agent in miniature: events and epoch closes in the order given, as core/sealer.ts makes them. */
function simulate(seed: Buffer, plan: string) {
  let key = sealEpochZeroKey(seed);
  let epoch = 0;
  let seq = 0;
  let hash = ZERO_HASH;
  const events: { seq: number; bytes: Buffer; hash: Buffer; epoch: number; seal: Buffer }[] = [];
  const closes: SealCloseRecord[] = [];
  const keys = [key];
  for (const step of plan) {
    if (step === 'e') {
      seq += 1;
      const bytes = Buffer.from(`event ${seq}`);
      hash = chainHash(hash, bytes);
      events.push({ seq, bytes, hash, epoch, seal: sealEvent(key, seq, epoch, hash) });
    } else {
      closes.push({ epoch, lastSeq: seq, lastHash: hash, mac: sealClose(key, epoch, seq, hash) });
      key = evolveSealKey(key);
      epoch += 1;
      keys.push(key);
    }
  }
  return { events, closes, keys };
}

/** The batch of all events, with the closes pointing inside it. */
function check(seed: Buffer, events: ReturnType<typeof simulate>['events'], closes: SealCloseRecord[]) {
  const hashes = Buffer.concat(events.map((e) => e.hash));
  return checkBatchSeals(
    new SealKeyCursor(seed), 1, ZERO_HASH, hashes, events.map((e) => e.epoch), Buffer.concat(events.map((e) => e.seal)), closes,
  );
}

describe('seal keys', () => {
  it('derives k_0 from the seed and evolves one-way by SHA-256, the same for the agent and the collector', () => {
    const seed = Buffer.alloc(32, 7);
    const k0 = sealEpochZeroKey(seed);
    expect(k0.equals(createHmac('sha256', seed).update('mamori.seal.v1 epoch 0').digest())).toBe(true);
    const k1 = evolveSealKey(k0);
    expect(k1.equals(createHash('sha256').update('mamori.seal.v1 evolve').update(k0).digest())).toBe(true);
    const cursor = new SealKeyCursor(seed);
    const { keys } = cursor.keysFor([0, 1, 5]);
    expect(keys!.get(1)!.equals(k1)).toBe(true);
    let k = k0;
    for (let e = 0; e < 5; e += 1) k = evolveSealKey(k);
    expect(keys!.get(5)!.equals(k)).toBe(true);
    // asked for an older epoch after a newer one, the cursor starts again from the seed
    expect(cursor.keysFor([1]).keys!.get(1)!.equals(k1)).toBe(true);
  });

  it('computes the same event seal on the fast path the collector uses', () => {
    const key = randomBytes(32);
    const hash = randomBytes(32);
    const fast = eventSealer(key);
    for (const [seq, epoch] of [[1, 0], [2 ** 40 + 5, 7], [Number.MAX_SAFE_INTEGER, 2 ** 33]] as const) {
      expect(fast(seq, epoch, hash).equals(sealEvent(key, seq, epoch, hash))).toBe(true);
    }
    expect(sealEvent(key, 1, 0, hash).equals(createHmac('sha256', key).update(Buffer.concat([
      Buffer.from('mamori.seal.v1 event'), Buffer.from('00000000000000010000000000000000', 'hex'), hash,
    ])).digest())).toBe(true);
  });

  it('carries epochs as (epoch, count) runs and refuses runs that do not describe the batch', () => {
    expect(epochRuns([3, 3, 3, 4, 7, 7])).toEqual([3, 3, 4, 1, 7, 2]);
    expect(expandEpochRuns([3, 3, 4, 1, 7, 2], 6)).toEqual([3, 3, 3, 4, 7, 7]);
    expect(expandEpochRuns([3, 3, 4, 1], 6)).toBeUndefined();
    expect(expandEpochRuns([3, 7], 6)).toBeUndefined();
    expect(expandEpochRuns([3, 0, 4, 6], 6)).toBeUndefined();
    expect(expandEpochRuns([3], 1)).toBeUndefined();
  });

  it('refuses to walk implausibly far ahead (a claimed epoch must not cost the collector unbounded CPU)', () => {
    const result = new SealKeyCursor(randomBytes(32)).keysFor([MAX_SEAL_EPOCH_STEP + 1]);
    expect(result.error).toMatch(/implausibly far/);
  });
});

describe('checkBatchSeals', () => {
  const seed = randomBytes(32);
  // epochs: 0: events 1-3 | 1: event 4 | 2, 3: nothing logged | 4: events 5-6 | 5 (current)
  const honest = simulate(seed, 'eee' + 'c' + 'e' + 'ccc' + 'ee' + 'c');

  it('accepts what an honest agent sealed across busy and idle epochs', () => {
    expect(honest.events.map((e) => e.epoch)).toEqual([0, 0, 0, 1, 4, 4]);
    expect(check(seed, honest.events, honest.closes)).toEqual({ ok: true, firstEpoch: 0 });
  });

  it('rejects an edited event whose chain hashes were recomputed (root without the old epoch key)', () => {
    const events = honest.events.map((e) => ({ ...e }));
    events[1]!.bytes = Buffer.from('event 2, edited');
    let hash = ZERO_HASH;
    for (const e of events) e.hash = hash = chainHash(hash, e.bytes);
    const result = check(seed, events, honest.closes);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/close record of epoch 0 does not match|seq 2 is not sealed/);
  });

  it("rejects an older event re-sealed with a later epoch's key (CVE-2023-31439), even with every genuine close", () => {
    // Root at epoch 5 holds k_5 only: it re-seals events 2.. as epoch 5 after editing event 2.
    const k5 = honest.keys[5]!;
    const events = honest.events.map((e) => ({ ...e }));
    events[1]!.bytes = Buffer.from('event 2, edited');
    let hash = ZERO_HASH;
    for (const e of events) {
      e.hash = hash = chainHash(hash, e.bytes);
      if (e.seq >= 2) Object.assign(e, { epoch: 5, seal: sealEvent(k5, e.seq, 5, e.hash) });
    }
    // without the closes that pointed at the old positions
    const kept = honest.closes.filter((c) => c.lastSeq < 2);
    expect(check(seed, events, kept)).toEqual({ ok: false, detail: 'seq 2 claims epoch 5 but epoch 0 has no close record at seq 1' });
    // and with them: they no longer match the rewritten chain
    expect(check(seed, events, honest.closes).ok).toBe(false);
    // nor can root forge the close records it needs: it has no key of epochs 0..4
    const forged = [0, 1, 2, 3, 4].map((epoch) => ({ epoch, lastSeq: 1, lastHash: events[0]!.hash, mac: sealClose(k5, epoch, 1, events[0]!.hash) }));
    expect(check(seed, events, forged)).toEqual({ ok: false, detail: "close record of epoch 0 is not sealed with that epoch's key" });
  });

  it('rejects an unedited event moved into a later epoch, and epochs that go back', () => {
    const k5 = honest.keys[5]!;
    const moved = honest.events.map((e) => (e.seq === 6 ? { ...e, epoch: 5, seal: sealEvent(k5, 6, 5, e.hash) } : e));
    expect(check(seed, moved, honest.closes)).toEqual({ ok: false, detail: 'seq 6 claims epoch 5, after epoch 4 closed there' });
    const beyond = honest.closes.filter((c) => c.epoch !== 4);
    expect(check(seed, moved, beyond)).toEqual({ ok: false, detail: 'seq 6 claims epoch 5 but epoch 4 has no close record at seq 5' });
    const back = honest.events.map((e) => (e.seq === 4 ? { ...e, epoch: 0, seal: sealEvent(honest.keys[0]!, 4, 0, e.hash) } : e));
    expect(check(seed, back, honest.closes).ok).toBe(false);
  });

  it('rejects a batch whose close record for a skipped epoch is missing', () => {
    const withoutEpoch2 = honest.closes.filter((c) => c.epoch !== 2);
    expect(check(seed, honest.events, withoutEpoch2)).toEqual({ ok: false, detail: 'seq 5 claims epoch 4 but epoch 2 has no close record at seq 4' });
  });

  it('rejects a close record sealed with another key, or an event sealed under another seed', () => {
    const closes = honest.closes.map((c) => (c.epoch === 1 ? { ...c, mac: sealClose(honest.keys[2]!, 1, c.lastSeq, c.lastHash) } : c));
    expect(check(seed, honest.events, closes)).toEqual({ ok: false, detail: "close record of epoch 1 is not sealed with that epoch's key" });
    expect(check(randomBytes(32), honest.events, []).ok).toBe(false);
  });
});
