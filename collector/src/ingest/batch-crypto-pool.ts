import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
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
  /** Each worker's reply port (this side). */
  readonly #replies = new Map<Worker, MessagePort>();
  #nextId = 1;
  #poll: NodeJS.Timeout | undefined;
  #turn = 0;
  /** Seal key cursors for checks done on this thread (each worker keeps its own). */
  readonly #cursors = new Map<string, unknown>();
  #onWarning: (message: string) => void;

  constructor(options: { threads?: number; onWarning?: (message: string) => void } = {}) {
    this.#onWarning = options.onWarning ?? ((message) => process.stderr.write(`mamori-collector: ${message}\n`));
    const threads = options.threads ?? defaultCryptoThreads();
    for (let i = 0; i < threads; i += 1) {
      let worker: Worker;
      const channel = new MessageChannel();
      try {
        worker = new Worker(new URL('./batch-crypto.mjs', import.meta.url), {
          workerData: { mamori: 'batch-crypto', kinds: [...eventPayloadKinds()], replies: channel.port2 }, transferList: [channel.port2],
        });
      } catch (error) {
        this.#onWarning(`batch checks run on the main thread: ${(error as Error).message}`);
        break;
      }
      worker.unref();
      channel.port1.on('message', (reply: Reply) => this.#settle(reply));
      channel.port1.unref();
      this.#replies.set(worker, channel.port1);
      worker.on('error', (error) => this.#retire(worker, error));
      worker.on('exit', (code) => this.#retire(worker, new Error(`batch check thread exited (${code})`)));
      this.#workers.push(worker);
    }
  }

  get threads(): number {
    return this.#workers.length;
  }

  check(job: BatchCryptoJob): Promise<BatchCrypto> {
    this.drainReplies();
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
    const seal = job.seal && {
      chain: job.seal.chain, seed: own(job.seal.seed), epochs: Float64Array.from(job.seal.epochs), seals: own(job.seal.seals),
      closes: job.seal.closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq, lastHash: own(c.lastHash), mac: own(c.mac) })),
    };
    return new Promise<BatchCrypto>((resolve, reject) => {
      this.#pending.set(id, { job, resolve, reject, worker });
      this.drainReplies();
      worker.postMessage({
        id, agentId: job.agentId, publicKey: own(job.publicKey), firstSeq: job.firstSeq, data, ends,
        prevHash: own(job.prevHash), lastHash: own(job.lastHash), signature: own(job.signature), seal,
      }, seal ? [data.buffer, ends.buffer, seal.seals.buffer as ArrayBuffer, seal.epochs.buffer] : [data.buffer, ends.buffer]);
    });
  }

  /**
   * Takes the replies already waiting. Replies also arrive as 'message' events, but on a thread busy reading
   * sockets those came late and in clumps (measured in bench:ingest at 1,000 agents: 0.7 s from a reply posted to
   * its event, median), so the checks' results sat unused while the thread had time; taking them whenever a new
   * batch is handed over keeps results flowing at the rate they are made.
   */
  drainReplies(): void {
    if (this.#pending.size === 0) return;
    if (this.#poll === undefined) {
      // Also every millisecond while checks are out, for when no batch arrives to prompt it.
      this.#poll = setTimeout(() => {
        this.#poll = undefined;
        this.drainReplies();
      }, 1);
      this.#poll.unref();
    }
    for (const port of this.#replies.values()) {
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) this.#settle(message.message as Reply);
    }
  }

  /** Stops the threads; checks they had not answered yet are finished on this thread. */
  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    for (const worker of workers) this.#takeOver(worker);
    clearTimeout(this.#poll);
    this.#poll = undefined;
    for (const port of this.#replies.values()) port.close();
    this.#replies.clear();
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

/**
 * A copy of `bytes` in an ArrayBuffer of its own size. The fields of a received batch are views into the buffer gRPC
 * read the message into (often far larger than the batch), and posting a view to a worker clones its whole
 * ArrayBuffer: these copies keep each hand-off to the bytes it needs.
 */
function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function splitHashes(packed: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < packed.length; offset += 32) hashes.push(packed.subarray(offset, offset + 32));
  return hashes;
}
