import type { Worker } from 'node:worker_threads';
import type { AcceptedBatch } from '../types.ts';
import { packBatch, type PackedBatch } from './packed-batch.ts';

type Append = (batch: AcceptedBatch, receivedMs: number) => { inserted: number };
/** Starts a worker thread on a TypeScript module (the collector's threads/module-worker.ts; store/ does not import it). */
export type StartWorker = (moduleUrl: URL, data: unknown) => Worker;
interface Job { batch: AcceptedBatch; receivedMs: number; resolve: (result: { inserted: number }) => void; reject: (error: Error) => void }
interface Reply { id?: number; ready?: true; inserted?: number; error?: string; code?: string }

/**
 * Batches handed to the writer thread at once. Small on purpose: while the writer holds the write lock, any other
 * write on the store's own connection (projection, alerts, heartbeats) waits for it, and that connection is on the
 * thread that talks gRPC. With two in hand the writer always has the next transaction ready, yet another
 * connection never waits for more than two batches' commits; the rest queue here, in arrival order.
 */
const IN_FLIGHT = 2;

/**
 * Runs the evidence appends (SqliteStore.appendBatch) on a thread of their own with its own connection
 * (event-writer-worker.ts), so the thread that receives and checks batches does not also spend half its time in
 * SQLite. A batch's promise resolves only after its transaction committed, so an acknowledgement still means
 * stored. Appends commit in the order they were asked for. If the thread cannot start or dies, appends run on
 * `inline` (the store's connection) from then on; the batches it held fail, and their agents send them again.
 */
export class EventWriter {
  readonly #inline: Append;
  readonly #queue: Job[] = [];
  readonly #posted = new Map<number, Job>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closing: Promise<void> | undefined;
  #onWarning: (message: string) => void;

  constructor(path: string, inline: Append, startWorker: StartWorker, options: { onWarning?: (message: string) => void } = {}) {
    this.#inline = inline;
    this.#onWarning = options.onWarning ?? ((message) => process.stderr.write(`mamori-collector: ${message}\n`));
    let worker: Worker;
    try {
      worker = startWorker(new URL('./event-writer-worker.ts', import.meta.url), { path });
    } catch (error) {
      this.#onWarning(`evidence is written on the main thread: ${(error as Error).message}`);
      return;
    }
    this.#worker = worker;
    worker.on('message', (reply: Reply) => this.#settle(reply));
    worker.on('error', (error) => this.#lose(worker, error));
    worker.on('exit', (code) => this.#lose(worker, new Error(`event writer thread exited (${code})`)));
  }

  /** Whether appends run on the writer thread (false after it failed, or when it could not start). */
  get threaded(): boolean {
    return this.#worker !== undefined;
  }

  append(batch: AcceptedBatch, receivedMs: number): Promise<{ inserted: number }> {
    if (!this.#worker) {
      try {
        return Promise.resolve(this.#inline(batch, receivedMs));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, receivedMs, resolve, reject });
      this.#pump();
    });
  }

  /** Waits for the appends asked for so far, then stops the thread (appends after this run inline). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker;
      if (!worker) return;
      while (this.#posted.size > 0 || this.#queue.length > 0) {
        await new Promise<void>((resolve) => { this.#drained = resolve; });
      }
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      this.#worker = undefined;
      worker.postMessage({ close: true });
      await exited;
    })();
    return this.#closing;
  }

  #drained: (() => void) | undefined;

  #pump(): void {
    const worker = this.#worker;
    while (worker && this.#posted.size < IN_FLIGHT && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      const id = this.#nextId++;
      let message: { packed: PackedBatch; transfer: ArrayBuffer[] };
      try {
        message = packBatch(job.batch);
      } catch (error) {
        job.reject(error as Error);
        continue;
      }
      this.#posted.set(id, job);
      worker.postMessage({ id, batch: message.packed, receivedMs: job.receivedMs }, message.transfer);
    }
    if (this.#posted.size === 0 && this.#queue.length === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained?.();
    }
  }

  #settle(reply: Reply): void {
    if (reply.id === undefined) return;
    const job = this.#posted.get(reply.id);
    if (!job) return;
    this.#posted.delete(reply.id);
    if (reply.error !== undefined) job.reject(Object.assign(new Error(reply.error), reply.code ? { code: reply.code } : {}));
    else job.resolve({ inserted: reply.inserted ?? 0 });
    this.#pump();
  }

  /**
   * The thread is gone. Whether the batches it held committed is unknown, so they fail (the stream ends and the
   * agent resends them; the store skips what it already has). Queued ones were never sent: they run inline.
   */
  #lose(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#onWarning(`the event writer thread stopped (${error.message}); evidence is written on the main thread`);
    for (const job of this.#posted.values()) job.reject(new Error(`event writer thread stopped before answering: ${error.message}`));
    this.#posted.clear();
    for (const job of this.#queue.splice(0)) {
      try {
        job.resolve(this.#inline(job.batch, job.receivedMs));
      } catch (failure) {
        job.reject(failure as Error);
      }
    }
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }
}
