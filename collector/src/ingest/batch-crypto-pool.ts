import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { eventPayloadKinds, type BatchSealCheck, type EventEnvelope } from '@mamori/proto';
import { checkBatchCrypto, unpackEnvelopes, type BatchSealInput, type PackedEnvelopes } from './batch-crypto.mjs';

/**
 * A batch's signature verdict, the chain hash after each of its events (32 bytes each, in order), and each
 * event's envelope — or, when one does not parse, which one and why — and, for a sealed batch, its seals' verdict.
 */
export interface BatchCrypto {
  signed: boolean;
  hashes: Buffer[];
  envelopes: EventEnvelope[] | undefined;
  malformed: { index: number; message: string } | undefined;
  /** Undefined when the job had no seals (or the signature failed). */
  seal: BatchSealCheck | undefined;
}

export interface BatchCryptoJob {
  agentId: string;
  publicKey: Buffer;
  /** The same key already imported, for checks done on this thread. */
  key: KeyObject;
  firstSeq: number;
  events: Buffer[];
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  /** The batch's seals and its chain's seed, for a sealed batch. */
  seal?: BatchSealInput;
}

interface Reply {
  id: number;
  signed?: boolean;
  hashes?: Uint8Array;
  envelopes?: PackedEnvelopes;
  malformed?: { index: number; message: string };
  seal?: BatchSealCheck;
  error?: string;
}

/** Worker threads for ingest: spare cores, leaving one for the event loop (gRPC, SQLite); at most 4. */
export function defaultCryptoThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Checks batches' signatures and hash chains on worker threads, so the thread that talks gRPC and writes SQLite
 * spends its time on those: a stream hands its next batches over as they arrive and stores the previous one
 * meanwhile. With `threads: 0`, or if a worker dies, the same code (batch-crypto.mjs) runs on this thread.
 */
export class BatchCryptoPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, { job: BatchCryptoJob; resolve: (value: BatchCrypto) => void; reject: (error: Error) => void; worker: Worker }>();
  #nextId = 1;
  #turn = 0;
  /** Seal key cursors for checks done on this thread (each worker keeps its own). */
  readonly #cursors = new Map<string, unknown>();
  #onWarning: (message: string) => void;

  constructor(options: { threads?: number; onWarning?: (message: string) => void } = {}) {
    this.#onWarning = options.onWarning ?? ((message) => process.stderr.write(`mamori-collector: ${message}\n`));
    const threads = options.threads ?? defaultCryptoThreads();
    for (let i = 0; i < threads; i += 1) {
      let worker: Worker;
      try {
        worker = new Worker(new URL('./batch-crypto.mjs', import.meta.url), { workerData: { mamori: 'batch-crypto', kinds: [...eventPayloadKinds()] } });
      } catch (error) {
        this.#onWarning(`batch checks run on the main thread: ${(error as Error).message}`);
        break;
      }
      worker.unref();
      worker.on('message', (reply: Reply) => this.#settle(reply));
      worker.on('error', (error) => this.#retire(worker, error));
      worker.on('exit', (code) => this.#retire(worker, new Error(`batch check thread exited (${code})`)));
      this.#workers.push(worker);
    }
  }

  get threads(): number {
    return this.#workers.length;
  }

  check(job: BatchCryptoJob): Promise<BatchCrypto> {
    const worker = this.#workers[this.#turn++ % Math.max(1, this.#workers.length)];
    if (!worker) return Promise.resolve(this.#checkHere(job));
    const id = this.#nextId++;
    // Pack the events into one buffer of our own and transfer it: one copy, no per-event cloning.
    const total = job.events.reduce((sum, e) => sum + e.length, 0);
    const data = new Uint8Array(new ArrayBuffer(total));
    const ends = new Uint32Array(job.events.length);
    let offset = 0;
    job.events.forEach((event, i) => {
      data.set(event, offset);
      offset += event.length;
      ends[i] = offset;
    });
    return new Promise<BatchCrypto>((resolve, reject) => {
      this.#pending.set(id, { job, resolve, reject, worker });
      worker.postMessage({
        id, agentId: job.agentId, publicKey: job.publicKey, firstSeq: job.firstSeq, data, ends,
        prevHash: job.prevHash, lastHash: job.lastHash, signature: job.signature,
        seal: job.seal && { ...job.seal, epochs: Float64Array.from(job.seal.epochs) },
      }, [data.buffer, ends.buffer]);
    });
  }

  /** Stops the threads; checks they had not answered yet are finished on this thread. */
  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    for (const worker of workers) this.#takeOver(worker);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #checkHere(job: BatchCryptoJob): BatchCrypto {
    const { signed, hashes, envelopes, malformed, seal } = checkBatchCrypto(
      job.key, job.agentId, job.firstSeq, job.events, job.prevHash, job.lastHash, job.signature, eventPayloadKinds(), job.seal, this.#cursors,
    );
    return { signed, hashes: splitHashes(hashes), envelopes, malformed, seal };
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error !== undefined || !reply.hashes) pending.reject(new Error(reply.error ?? 'batch check thread sent no hashes'));
    else {
      pending.resolve({
        signed: reply.signed === true, hashes: splitHashes(Buffer.from(reply.hashes.buffer, reply.hashes.byteOffset, reply.hashes.byteLength)),
        envelopes: reply.envelopes ? unpackEnvelopes(reply.envelopes) : undefined, malformed: reply.malformed, seal: reply.seal,
      });
    }
  }

  /** A worker that failed is dropped; its unanswered jobs are checked here instead, so no stream notices. */
  #retire(worker: Worker, error: Error): void {
    const index = this.#workers.indexOf(worker);
    if (index < 0) return;
    this.#workers.splice(index, 1);
    this.#onWarning(`a batch check thread stopped (${error.message}); ${this.#workers.length} left`);
    this.#takeOver(worker);
  }

  #takeOver(worker: Worker): void {
    for (const [id, pending] of this.#pending) {
      if (pending.worker !== worker) continue;
      this.#pending.delete(id);
      try {
        pending.resolve(this.#checkHere(pending.job));
      } catch (failure) {
        pending.reject(failure as Error);
      }
    }
  }
}

function splitHashes(packed: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < packed.length; offset += 32) hashes.push(packed.subarray(offset, offset + 32));
  return hashes;
}
