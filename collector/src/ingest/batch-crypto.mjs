// The CPU-heavy part of checking one batch — its Ed25519 signature, the hash chain over its events and each
// event's envelope — written so it can run on a worker thread: plain JavaScript whose only imports are the
// standalone evidence verifier and the envelope reader, so the same file runs under tsx, in tests, and beside the
// collector's single executable (copied there).
import { Buffer } from 'node:buffer';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { chainHash, ed25519PublicKey, verifyBatchSignature } from '../../../proto/verifier/verify-evidence.mjs';
import { readEnvelope } from '../../../proto/src/envelope.mjs';

/**
 * Whether the batch is signed by `publicKey` (a KeyObject or the raw 32 bytes); the chain hash after each of its
 * events, starting from prevHash (hashes[i*32 .. i*32+32] is h(firstSeq + i)); and each event's envelope, or
 * where the first one that does not parse is (`kinds`: payload field number → kind name).
 */
export function checkBatchCrypto(publicKey, agentId, firstSeq, events, prevHash, lastHash, signature, kinds) {
  const signed = verifyBatchSignature(publicKey, agentId, firstSeq, events.length, prevHash, lastHash, signature);
  // Its own ArrayBuffer (not a slice of Node's pool), so a worker can transfer it instead of copying.
  const hashes = Buffer.from(new ArrayBuffer(events.length * 32));
  let hash = prevHash;
  for (let i = 0; i < events.length; i += 1) {
    hash = chainHash(hash, events[i]);
    hash.copy(hashes, i * 32);
  }
  const envelopes = [];
  for (let i = 0; i < events.length; i += 1) {
    try {
      envelopes.push(readEnvelope(events[i], kinds));
    } catch (error) {
      return { signed, hashes, envelopes: undefined, malformed: { index: i, message: String(error?.message ?? error) } };
    }
  }
  return { signed, hashes, envelopes, malformed: undefined };
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

/** Worker side: one job = one batch, its events packed into one buffer with their end offsets. */
function serve(port, kinds) {
  const keys = new Map(); // agent id → { raw, key }: one import per agent, not per batch
  port.on('message', (job) => {
    try {
      const raw = asBuffer(job.publicKey);
      let entry = keys.get(job.agentId);
      if (!entry || !entry.raw.equals(raw)) {
        if (keys.size >= 10_000) keys.clear();
        entry = { raw, key: ed25519PublicKey(raw) };
        keys.set(job.agentId, entry);
      }
      const data = asBuffer(job.data);
      const events = [];
      let start = 0;
      for (const end of job.ends) {
        events.push(data.subarray(start, end));
        start = end;
      }
      const { signed, hashes, envelopes, malformed } = checkBatchCrypto(
        entry.key, job.agentId, job.firstSeq, events, asBuffer(job.prevHash), asBuffer(job.lastHash), asBuffer(job.signature), kinds,
      );
      const packed = envelopes ? packEnvelopes(envelopes) : undefined;
      const transfer = packed ? [hashes.buffer, packed.numbers.buffer, packed.refs.buffer] : [hashes.buffer];
      port.postMessage({ id: job.id, signed, hashes, envelopes: packed, malformed }, transfer);
    } catch (error) {
      port.postMessage({ id: job.id, error: String(error?.message ?? error) });
    }
  });
}

if (!isMainThread && workerData?.mamori === 'batch-crypto') serve(parentPort, new Map(workerData.kinds));
