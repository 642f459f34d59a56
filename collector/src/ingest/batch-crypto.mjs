// The CPU-heavy part of checking one batch — its Ed25519 signature and the hash chain over its events — written
// so it can run on a worker thread: plain JavaScript whose only import is the standalone evidence verifier, so
// the same file runs under tsx, in tests, and beside the collector's single executable (copied there).
import { Buffer } from 'node:buffer';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { chainHash, ed25519PublicKey, verifyBatchSignature } from '../../../proto/verifier/verify-evidence.mjs';

/**
 * Whether the batch is signed by `publicKey` (a KeyObject or the raw 32 bytes), and the chain hash after each of
 * its events, starting from prevHash: hashes[i*32 .. i*32+32] is h(firstSeq + i).
 */
export function checkBatchCrypto(publicKey, agentId, firstSeq, events, prevHash, lastHash, signature) {
  const signed = verifyBatchSignature(publicKey, agentId, firstSeq, events.length, prevHash, lastHash, signature);
  // Its own ArrayBuffer (not a slice of Node's pool), so a worker can transfer it instead of copying.
  const hashes = Buffer.from(new ArrayBuffer(events.length * 32));
  let hash = prevHash;
  for (let i = 0; i < events.length; i += 1) {
    hash = chainHash(hash, events[i]);
    hash.copy(hashes, i * 32);
  }
  return { signed, hashes };
}

const asBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Worker side: one job = one batch, its events packed into one buffer with their end offsets. */
function serve(port) {
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
      const { signed, hashes } = checkBatchCrypto(
        entry.key, job.agentId, job.firstSeq, events, asBuffer(job.prevHash), asBuffer(job.lastHash), asBuffer(job.signature),
      );
      port.postMessage({ id: job.id, signed, hashes }, [hashes.buffer]);
    } catch (error) {
      port.postMessage({ id: job.id, error: String(error?.message ?? error) });
    }
  });
}

if (!isMainThread && workerData?.mamori === 'batch-crypto') serve(parentPort);
