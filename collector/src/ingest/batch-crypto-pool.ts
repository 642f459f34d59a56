import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { eventPayloadKinds, type BatchSealCheck, type EventEnvelope } from '@mamori/proto';
import { checkBatchCrypto, unpackEnvelopes, type BatchSealInput, type PackedEnvelopes, type PackedJobs } from './batch-crypto.mjs';
import type { EventSpans } from './wire-batch.ts';

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
  /** The events, or where they lie in the received message (copied from there into the thread's message, no Buffer each). */
  events: Buffer[] | EventSpans;
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
  /** Jobs handed over but not posted yet, by thread (posted together at the end of this event-loop turn). */
  readonly #outboxes = new Map<Worker, number[]>();
  #flushSoon: NodeJS.Immediate | undefined;
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
      channel.port1.on('message', (replies: Reply[]) => this.#settleAll(replies));
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
    this.#takeReplies();
    const worker = this.#workers[this.#turn++ % Math.max(1, this.#workers.length)];
    if (!worker) return Promise.resolve(this.#checkHere(job));
    const id = this.#nextId++;
    return new Promise<BatchCrypto>((resolve, reject) => {
      this.#pending.set(id, { job, resolve, reject, worker });
      let outbox = this.#outboxes.get(worker);
      if (!outbox) this.#outboxes.set(worker, (outbox = []));
      outbox.push(id);
      this.#flushSoon ??= setImmediate(() => this.#flush());
    });
  }

  /**
   * Takes the replies already waiting. Replies also arrive as 'message' events, but on a thread busy reading
   * sockets those came late and in clumps (measured in bench:ingest at 1,000 agents: 0.7 s from a reply posted to
   * its event, median), so the checks' results sat unused while the thread had time; taking them whenever a new
   * batch is handed over keeps results flowing at the rate they are made. Jobs still waiting to be posted are
   * posted first.
   */
  drainReplies(): void {
    this.#flush();
    this.#takeReplies();
  }

  #takeReplies(): void {
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
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) this.#settleAll(message.message as Reply[]);
    }
  }

  /**
   * Posts the jobs handed over in this turn of the event loop, one message per thread: with 1,000 agents many
   * batches arrive in one turn, and each message costs a wake-up and a structured clone on both threads (in
   * bench:ingest the hand-off was ~15% of the main thread with one message per batch). Every byte field of every
   * job is copied once into one buffer that is transferred, not cloned; the fields of a received batch are views
   * into gRPC's receive buffer, which a clone would copy whole.
   */
  #flush(): void {
    if (this.#flushSoon !== undefined) {
      clearImmediate(this.#flushSoon);
      this.#flushSoon = undefined;
    }
    for (const [worker, ids] of this.#outboxes) {
      this.#outboxes.delete(worker);
      const jobs = ids.flatMap((id) => {
        const pending = this.#pending.get(id);
        return pending?.worker === worker ? [{ id, job: pending.job }] : []; // a retired thread's jobs were taken over
      });
      if (jobs.length > 0 && this.#workers.includes(worker)) {
        const packed = packJobs(jobs);
        worker.postMessage(packed, [packed.data.buffer as ArrayBuffer, packed.ends.buffer as ArrayBuffer, packed.epochs.buffer as ArrayBuffer]);
      }
    }
  }

  /** Stops the threads; checks they had not answered yet are finished on this thread. */
  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    for (const worker of workers) this.#takeOver(worker);
    this.#outboxes.clear();
    clearImmediate(this.#flushSoon);
    this.#flushSoon = undefined;
    clearTimeout(this.#poll);
    this.#poll = undefined;
    for (const port of this.#replies.values()) port.close();
    this.#replies.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #checkHere(job: BatchCryptoJob): BatchCrypto {
    const { signed, hashes, envelopes, malformed, seal } = checkBatchCrypto(
      job.key, job.agentId, job.firstSeq, eventBuffers(job.events), job.prevHash, job.lastHash, job.signature, eventPayloadKinds(), job.seal, this.#cursors,
    );
    return { signed, hashes: splitHashes(hashes), envelopes, malformed, seal };
  }

  #settleAll(replies: Reply[]): void {
    for (const reply of replies) this.#settle(reply);
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
 * Jobs as one message: every byte field of every job, in a fixed order (see batch-crypto.mjs, `serve`), copied one
 * after another into `data` with each field's end in `ends`, and the sealed jobs' per-event epochs in `epochs` —
 * three buffers to transfer whatever the number of jobs and events.
 */
function packJobs(jobs: { id: number; job: BatchCryptoJob }[]): PackedJobs {
  let bytes = 0;
  let fields = 0;
  let epochCount = 0;
  const add = (field: Uint8Array) => {
    bytes += field.length;
    fields += 1;
  };
  for (const { job } of jobs) {
    add(job.publicKey); add(job.prevHash); add(job.lastHash); add(job.signature);
    const { events } = job;
    if (Array.isArray(events)) for (const event of events) add(event);
    else {
      for (let i = 0; i < events.count; i += 1) bytes += events.length(i);
      fields += events.count;
    }
    if (job.seal) {
      add(job.seal.seed); add(job.seal.seals);
      for (const close of job.seal.closes) { add(close.lastHash); add(close.mac); }
      epochCount += job.seal.epochs.length;
    }
  }
  const data = new Uint8Array(new ArrayBuffer(bytes));
  const ends = new Uint32Array(fields);
  const epochs = new Float64Array(epochCount);
  let offset = 0;
  let field = 0;
  let epoch = 0;
  const put = (bytes: Uint8Array) => {
    data.set(bytes, offset);
    offset += bytes.length;
    ends[field++] = offset;
  };
  const headers = jobs.map(({ id, job }) => {
    put(job.publicKey); put(job.prevHash); put(job.lastHash); put(job.signature);
    const { events } = job;
    if (Array.isArray(events)) for (const event of events) put(event);
    else {
      for (let i = 0; i < events.count; i += 1) {
        events.copyTo(i, data, offset);
        offset += events.length(i);
        ends[field++] = offset;
      }
    }
    const count = Array.isArray(events) ? events.length : events.count;
    if (!job.seal) return { id, agentId: job.agentId, firstSeq: job.firstSeq, count };
    const { seal } = job;
    put(seal.seed); put(seal.seals);
    for (const close of seal.closes) { put(close.lastHash); put(close.mac); }
    for (let i = 0; i < seal.epochs.length; i += 1) epochs[epoch++] = seal.epochs[i]!;
    return {
      id, agentId: job.agentId, firstSeq: job.firstSeq, count,
      seal: { chain: seal.chain, epochs: seal.epochs.length, closes: seal.closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq })) },
    };
  });
  return { jobs: headers, data, ends, epochs };
}

/** Events as Buffers (copies, for spans: this is the path without check threads). */
function eventBuffers(events: Buffer[] | EventSpans): Buffer[] {
  if (Array.isArray(events)) return events;
  return Array.from({ length: events.count }, (_, i) => {
    const bytes = Buffer.allocUnsafe(events.length(i));
    events.copyTo(i, bytes, 0);
    return bytes;
  });
}

function splitHashes(packed: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < packed.length; offset += 32) hashes.push(packed.subarray(offset, offset + 32));
  return hashes;
}
