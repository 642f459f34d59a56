// The CPU-heavy part of checking one batch — its Ed25519 signature, the hash chain over its events, each
// event's envelope and its forward-secure seals — written so it can run on a worker thread: plain JavaScript whose only imports are the
// standalone evidence verifier and the envelope reader, so the same file runs under tsx, in tests, and beside the
// collector's single executable (copied there).
import { Buffer } from 'node:buffer';
import * as nodeCrypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { chainHash, ed25519PublicKey, verifyBatchSignature } from '../../../proto/verifier/verify-evidence.mjs';
import { readEnvelope } from '../../../proto/src/envelope.mjs';
import { SealKeyCursor, checkBatchSeals } from '../../../proto/src/seal.mjs';

/** crypto.hash where Node has it (≥ 20.12): one native call, no Hash object per event. */
const oneShotHash = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;
let scratch = Buffer.alloc(64 * 1024);

/** chainHash(previous, bytes) — SHA-256(previous ‖ bytes) — as one one-shot hash over a reused buffer. */
function chainHashFast(previous, bytes) {
  if (!oneShotHash) return chainHash(previous, bytes);
  const length = previous.length + bytes.length;
  if (length > scratch.length) scratch = Buffer.alloc(length * 2);
  scratch.set(previous, 0);
  scratch.set(bytes, previous.length);
  return oneShotHash('sha256', scratch.subarray(0, length), 'buffer');
}

/**
 * The key cursor of one agent's seal chain from `cache` (agent/chain → cursor), made from the seed when new: a
 * stream's batches then derive each epoch key once, walking forward.
 */
export function sealCursor(cache, agentId, chain, seed) {
  const id = `${agentId}/${chain}`;
  let entry = cache.get(id);
  if (!entry || !entry.seed.equals(seed)) {
    if (cache.size >= 10_000) cache.clear();
    entry = { seed: Buffer.from(seed), cursor: new SealKeyCursor(seed) };
    cache.set(id, entry);
  }
  return entry.cursor;
}

/**
 * Whether the batch is signed by `publicKey` (a KeyObject or the raw 32 bytes); the chain hash after each of its
 * events, starting from prevHash (hashes[i*32 .. i*32+32] is h(firstSeq + i)); and each event's envelope, or
 * where the first one that does not parse is (`kinds`: payload field number → kind name). With `seal` (chain,
 * seed, epochs, seals, closes) and a cursor cache, also the seals' verdict (checkBatchSeals in proto/src/seal.mjs).
 */
export function checkBatchCrypto(publicKey, agentId, firstSeq, events, prevHash, lastHash, signature, kinds, seal, cursors) {
  const signed = verifyBatchSignature(publicKey, agentId, firstSeq, events.length, prevHash, lastHash, signature);
  // Its own ArrayBuffer (not a slice of Node's pool), so a worker can transfer it instead of copying.
  const hashes = Buffer.from(new ArrayBuffer(events.length * 32));
  let hash = prevHash;
  for (let i = 0; i < events.length; i += 1) {
    hash = chainHashFast(hash, events[i]);
    hash.copy(hashes, i * 32);
  }
  const sealCheck = seal && signed
    ? checkBatchSeals(sealCursor(cursors, agentId, seal.chain, seal.seed), firstSeq, prevHash, hashes, seal.epochs, seal.seals, seal.closes)
    : undefined;
  const envelopes = [];
  for (let i = 0; i < events.length; i += 1) {
    try {
      envelopes.push(readEnvelope(events[i], kinds));
    } catch (error) {
      return { signed, hashes, envelopes: undefined, malformed: { index: i, message: String(error?.message ?? error) }, seal: sealCheck };
    }
  }
  return { signed, hashes, envelopes, malformed: undefined, seal: sealCheck };
}

/** Envelopes as columns (typed arrays + one table of distinct strings): cheap to pass between threads. */
export function packEnvelopes(envelopes) {
  const strings = [];
  const ids = new Map();
  const intern = (text) => {
    let id = ids.get(text);
    if (id === undefined) {
      id = strings.push(text) - 1;
      ids.set(text, id);
    }
    return id;
  };
  const n = envelopes.length;
  const numbers = new Float64Array(n * 2);
  const refs = new Uint32Array(n * 4);
  envelopes.forEach((e, i) => {
    numbers[i * 2] = e.seq;
    numbers[i * 2 + 1] = e.timeMs;
    refs[i * 4] = intern(e.agentId);
    refs[i * 4 + 1] = intern(e.pc);
    refs[i * 4 + 2] = intern(e.user);
    refs[i * 4 + 3] = intern(e.kind);
  });
  return { numbers, refs, strings };
}

export function unpackEnvelopes(packed) {
  const { numbers, refs, strings } = packed;
  const envelopes = [];
  for (let i = 0; i < numbers.length / 2; i += 1) {
    envelopes.push({
      seq: numbers[i * 2], timeMs: numbers[i * 2 + 1],
      agentId: strings[refs[i * 4]], pc: strings[refs[i * 4 + 1]], user: strings[refs[i * 4 + 2]], kind: strings[refs[i * 4 + 3]],
    });
  }
  return envelopes;
}

const asBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Replies go back at least this often while a message's jobs are checked, so the first results need not wait for the last. */
const REPLY_EVERY_MS = 2;

/**
 * Worker side: a message carries several jobs (one batch each), every byte field of them packed into one buffer
 * in the order packJobs writes them (public key, previous hash, last hash, signature, the events, then for a
 * sealed batch its seed, seals and each close's hash and MAC), with each field's end offset; the sealed batches'
 * epochs in one array. Replies go back as arrays of results.
 */
function serve(port, kinds, replies = port) {
  const keys = new Map(); // agent id → { raw, key }: one import per agent, not per batch
  const cursors = new Map(); // agent/chain → seal key cursor
  port.on('message', ({ jobs, data: packedData, ends, epochs }) => {
    const data = asBuffer(packedData);
    let field = 0;
    let start = 0;
    const next = () => {
      const end = ends[field++];
      const bytes = data.subarray(start, end);
      start = end;
      return bytes;
    };
    let epoch = 0;
    let results = [];
    let transfer = [];
    let sent = performance.now();
    const send = () => {
      replies.postMessage(results, transfer);
      results = [];
      transfer = [];
      sent = performance.now();
    };
    for (const job of jobs) {
      // Read this job's fields before anything can fail, so the next job starts at its own fields.
      const publicKey = next();
      const prevHash = next();
      const lastHash = next();
      const signature = next();
      const events = [];
      for (let i = 0; i < job.count; i += 1) events.push(next());
      const seal = job.seal && {
        chain: job.seal.chain, seed: next(), seals: next(), epochs: epochs.subarray(epoch, (epoch += job.seal.epochs)),
        closes: job.seal.closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq, lastHash: next(), mac: next() })),
      };
      try {
        let entry = keys.get(job.agentId);
        if (!entry || !entry.raw.equals(publicKey)) {
          if (keys.size >= 10_000) keys.clear();
          entry = { raw: Buffer.from(publicKey), key: ed25519PublicKey(publicKey) };
          keys.set(job.agentId, entry);
        }
        const { signed, hashes, envelopes, malformed, seal: sealCheck } = checkBatchCrypto(
          entry.key, job.agentId, job.firstSeq, events, prevHash, lastHash, signature, kinds, seal, cursors,
        );
        const packed = envelopes ? packEnvelopes(envelopes) : undefined;
        results.push({ id: job.id, signed, hashes, envelopes: packed, malformed, seal: sealCheck });
        transfer.push(hashes.buffer);
        if (packed) transfer.push(packed.numbers.buffer, packed.refs.buffer);
      } catch (error) {
        results.push({ id: job.id, error: String(error?.message ?? error) });
      }
      if (performance.now() - sent >= REPLY_EVERY_MS) send();
    }
    if (results.length > 0) send();
  });
}

if (!isMainThread && workerData?.mamori === 'batch-crypto') serve(parentPort, new Map(workerData.kinds), workerData.replies);
