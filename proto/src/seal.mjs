// Forward-secure sealing (Schneier–Kelsey, as in systemd-journald's Forward Secure Sealing): the agent seals each
// event's chain hash with the key of the current epoch and evolves the key one-way at every epoch's end, erasing
// the old one; the collector, which alone keeps the seed, derives any epoch's key and checks. Plain JavaScript
// importing only Node built-ins, so the agent, the collector and its batch-check worker threads share it.
import { Buffer } from 'node:buffer';
import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** crypto.hash (one-shot, no Hash object per call: about twice as fast on small inputs) where Node has it (≥ 20.12). */
const oneShotHash = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

export const SEAL_KEY_BYTES = 32;
/** A claimed epoch this far beyond the last one derived is refused rather than derived (a forward walk costs CPU). */
export const MAX_SEAL_EPOCH_STEP = 1_000_000;

const epochZeroLabel = Buffer.from('mamori.seal.v1 epoch 0', 'utf8');
const evolveLabel = Buffer.from('mamori.seal.v1 evolve', 'utf8');
const eventLabel = Buffer.from('mamori.seal.v1 event', 'utf8');
const closeLabel = Buffer.from('mamori.seal.v1 close', 'utf8');

/** k_0 = HMAC-SHA256(seed, "mamori.seal.v1 epoch 0"). */
export function sealEpochZeroKey(seed) {
  return createHmac('sha256', seed).update(epochZeroLabel).digest();
}

/** k_{e+1} = SHA-256("mamori.seal.v1 evolve" ‖ k_e): one-way, so k_{e+1} tells nothing about k_e. */
export function evolveSealKey(key) {
  return createHash('sha256').update(evolveLabel).update(key).digest();
}

/** Writes a safe integer as a big-endian u64 (two u32 halves: no BigInt per event on the collector's hot path). */
function writeU64(buffer, value, offset) {
  buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  buffer.writeUInt32BE(value >>> 0, offset + 4);
}

function twoNumbers(label, a, b, hash) {
  const buffer = Buffer.allocUnsafe(label.length + 16 + 32);
  label.copy(buffer, 0);
  writeU64(buffer, a, label.length);
  writeU64(buffer, b, label.length + 8);
  buffer.set(hash, label.length + 16);
  return buffer;
}

/** An event's seal: HMAC(k_epoch, "mamori.seal.v1 event" ‖ seq ‖ epoch ‖ chain hash), numbers as big-endian u64. */
export function sealEvent(key, seq, epoch, hash) {
  return createHmac('sha256', key).update(twoNumbers(eventLabel, seq, epoch, hash)).digest();
}

/**
 * sealEvent for many events under one key, as the collector checks them: the same HMAC-SHA256, computed as
 * SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕ ipad) ‖ message)) with one-shot hashes into buffers prepared once per key.
 */
export function eventSealer(key) {
  if (!oneShotHash || key.length > 64) return (seq, epoch, hash) => sealEvent(key, seq, epoch, hash);
  const at = 64 + eventLabel.length;
  const inner = Buffer.alloc(at + 48);
  const outer = Buffer.alloc(96);
  for (let i = 0; i < 64; i += 1) {
    const byte = i < key.length ? key[i] : 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  eventLabel.copy(inner, 64);
  return (seq, epoch, hash) => {
    writeU64(inner, seq, at);
    writeU64(inner, epoch, at + 8);
    inner.set(hash, at + 16);
    outer.set(oneShotHash('sha256', inner, 'buffer'), 64);
    return oneShotHash('sha256', outer, 'buffer');
  };
}

/** An epoch-close record's MAC: HMAC(k_epoch, "mamori.seal.v1 close" ‖ epoch ‖ last_seq ‖ last_hash). */
export function sealClose(key, epoch, lastSeq, lastHash) {
  return createHmac('sha256', key).update(twoNumbers(closeLabel, epoch, lastSeq, lastHash)).digest();
}

/**
 * The collector's key source for one seal chain: derives epoch keys from the seed, remembering only the last one
 * derived, so a stream of batches walks forward once. Asked for an earlier epoch (an old batch resent), it starts
 * again from the seed.
 */
export class SealKeyCursor {
  #seed;
  #epoch = 0;
  #key;

  constructor(seed) {
    this.#seed = Buffer.from(seed);
    this.#key = sealEpochZeroKey(this.#seed);
  }

  /** Keys for the given epochs (ascending, distinct), or a reason when one is implausibly far ahead. */
  keysFor(epochs) {
    const keys = new Map();
    for (const epoch of epochs) {
      if (!Number.isSafeInteger(epoch) || epoch < 0) return { error: `epoch ${epoch} is not a valid epoch number` };
      if (epoch < this.#epoch) {
        this.#epoch = 0;
        this.#key = sealEpochZeroKey(this.#seed);
      }
      if (epoch - this.#epoch > MAX_SEAL_EPOCH_STEP) return { error: `epoch ${epoch} is implausibly far beyond epoch ${this.#epoch}` };
      while (this.#epoch < epoch) {
        this.#key = evolveSealKey(this.#key);
        this.#epoch += 1;
      }
      keys.set(epoch, this.#key);
    }
    return { keys };
  }
}

const sameMac = (a, b) => a.length === 32 && b.length === 32 && timingSafeEqual(a, b);

/**
 * Checks one batch's seals against its own contents (what can be checked without the stored chain):
 * - every event is sealed with the key of the epoch it claims, and epochs never go back along seq;
 * - every close record's MAC is valid under its own epoch's key, it points inside [firstSeq - 1, last seq], at
 *   the right chain hash, and no event after that position claims that epoch or an earlier one;
 * - between two consecutive events of epochs a < b, closes a..b-1 all point at the earlier event: an event cannot
 *   claim a later epoch than the one it was journaled in (CVE-2023-31439: a later key re-sealing older entries).
 * `hashes` holds h(firstSeq + i) at i*32; `seals` the events' seals likewise. The caller checks the transition
 * from the stored event before firstSeq (needs closes pointing at firstSeq - 1, returned verified here).
 */
export function checkBatchSeals(cursor, firstSeq, prevHash, hashes, epochs, seals, closes) {
  const count = epochs.length;
  const fail = (detail) => ({ ok: false, detail });
  if (seals.length !== count * 32) return fail(`${seals.length / 32} seals for ${count} events`);
  const lastSeq = firstSeq + count - 1;
  const hashAt = (seq) => (seq === firstSeq - 1 ? prevHash : hashes.subarray((seq - firstSeq) * 32, (seq - firstSeq + 1) * 32));
  const needed = new Set(epochs);
  for (const close of closes) needed.add(close.epoch);
  const derived = cursor.keysFor([...needed].sort((a, b) => a - b));
  if (derived.error) return fail(derived.error);
  const { keys } = derived;
  const sealers = new Map();
  for (const [epoch, key] of keys) sealers.set(epoch, eventSealer(key));

  const closeByEpoch = new Map();
  for (const close of closes) {
    if (closeByEpoch.has(close.epoch)) return fail(`two close records for epoch ${close.epoch}`);
    if (close.lastSeq < firstSeq - 1 || close.lastSeq > lastSeq) return fail(`close record of epoch ${close.epoch} points at seq ${close.lastSeq}, outside the batch`);
    if (close.lastHash.length !== 32 || !close.lastHash.equals(hashAt(close.lastSeq))) {
      return fail(`close record of epoch ${close.epoch} does not match the chain hash of seq ${close.lastSeq}`);
    }
    if (!sameMac(close.mac, sealClose(keys.get(close.epoch), close.epoch, close.lastSeq, close.lastHash))) {
      return fail(`close record of epoch ${close.epoch} is not sealed with that epoch's key`);
    }
    const at = close.lastSeq - firstSeq;
    if (at >= 0 && epochs[at] > close.epoch) return fail(`seq ${close.lastSeq} claims epoch ${epochs[at]}, after epoch ${close.epoch} closed there`);
    if (at + 1 < count && epochs[at + 1] <= close.epoch) {
      return fail(`seq ${close.lastSeq + 1} claims epoch ${epochs[at + 1]}, already closed at seq ${close.lastSeq}`);
    }
    closeByEpoch.set(close.epoch, close);
  }

  for (let i = 0; i < count; i += 1) {
    const seq = firstSeq + i;
    const epoch = epochs[i];
    if (i > 0 && epoch < epochs[i - 1]) return fail(`seq ${seq} claims epoch ${epoch} after epoch ${epochs[i - 1]}`);
    if (!sameMac(seals.subarray(i * 32, i * 32 + 32), sealers.get(epoch)(seq, epoch, hashAt(seq)))) {
      return fail(`seq ${seq} is not sealed with the key of its epoch ${epoch}`);
    }
    if (i > 0) {
      const missing = missingCloses(closeByEpoch, epochs[i - 1], epoch, seq - 1);
      if (missing !== undefined) return fail(`seq ${seq} claims epoch ${epoch} but epoch ${missing} has no close record at seq ${seq - 1}`);
    }
  }
  return { ok: true, firstEpoch: count > 0 ? epochs[0] : 0 };
}

/** Per-event epochs as (epoch, count) pairs, the form a batch carries them in. */
export function epochRuns(epochs) {
  const runs = [];
  for (const epoch of epochs) {
    if (runs.length > 0 && runs[runs.length - 2] === epoch) runs[runs.length - 1] += 1;
    else runs.push(epoch, 1);
  }
  return runs;
}

/** Per-event epochs from (epoch, count) pairs, or undefined unless they describe exactly `count` events. */
export function expandEpochRuns(runs, count) {
  if (runs.length % 2 !== 0) return undefined;
  const epochs = [];
  for (let i = 0; i < runs.length; i += 2) {
    const [epoch, n] = [runs[i], runs[i + 1]];
    if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(n) || n < 1 || epochs.length + n > count) return undefined;
    for (let j = 0; j < n; j += 1) epochs.push(epoch);
  }
  return epochs.length === count ? epochs : undefined;
}

/** The first epoch in [from, to) without a close record at `seq`, or undefined when all are there. */
export function missingCloses(closeByEpoch, from, to, seq) {
  for (let epoch = from; epoch < to; epoch += 1) {
    if (closeByEpoch.get(epoch)?.lastSeq !== seq) return epoch;
  }
  return undefined;
}
