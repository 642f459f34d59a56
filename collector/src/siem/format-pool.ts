import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { StoredEvent } from '../store/types.ts';
import { startModuleWorker } from '../threads/module-worker.ts';
import type { SiemConfig } from './config.ts';
import { formatPage, packPage, type FormattedChunk } from './format-page.ts';

/** Turns a page of stored events into a sink's chunks; pages may be formatted out of order, callers await in order. */
export interface PageFormatter {
  /** Formats one page for the named sink (of the SiemConfig the formatter was made with). */
  format(rows: readonly StoredEvent[], sink: string): Promise<FormattedChunk[]>;
  /** How many pages are worth having in flight at once (1 when formatting happens on the caller's thread). */
  readonly depth: number;
  close(): Promise<void>;
}

/** Formats on the caller's thread: tests, and where no worker can start. */
export class InlineFormatter implements PageFormatter {
  readonly depth = 1;
  readonly #siem: SiemConfig;

  constructor(siem: SiemConfig) {
    this.#siem = siem;
  }

  format(rows: readonly StoredEvent[], sink: string): Promise<FormattedChunk[]> {
    const config = this.#siem.sinks.find((s) => s.name === sink);
    if (!config) return Promise.reject(new Error(`no sink named ${sink}`));
    return Promise.resolve(formatPage(rows, config, this.#siem));
  }

  async close(): Promise<void> {}
}

/** Spare cores for formatting, leaving one for the event loop (ingest, SQLite, the socket writes); at most 3. */
export function defaultFormatThreads(): number {
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

interface Pending { resolve: (chunks: FormattedChunk[]) => void; reject: (error: Error) => void; worker: Worker; rows: readonly StoredEvent[]; sink: string }

/**
 * Decodes and formats pages on worker threads (format-worker.ts), so the exporter's thread only reads pages and
 * writes bytes: it reads the next pages while earlier ones are formatted, and delivers them in order. If no
 * worker can start (a single executable without the worker's file) or one dies, its pages are formatted here.
 */
export class SiemFormatPool implements PageFormatter {
  readonly #workers: Worker[] = [];
  /** Threads that have loaded their modules; until one has, pages are formatted here (no delay at start). */
  readonly #loaded: Worker[] = [];
  readonly #allLoaded: Promise<unknown>[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #inline: InlineFormatter;
  #nextId = 1;
  #turn = 0;

  constructor(siem: SiemConfig, options: { threads?: number; onWarning?: (message: string) => void } = {}) {
    this.#inline = new InlineFormatter(siem);
    const warn = options.onWarning ?? ((message: string) => process.stderr.write(`mamori-collector: ${message}\n`));
    const threads = options.threads ?? defaultFormatThreads();
    for (let i = 0; i < threads; i += 1) {
      let worker: Worker;
      try {
        worker = startModuleWorker(new URL('./format-worker.ts', import.meta.url), { siem });
      } catch (error) {
        warn(`SIEM export formats on the main thread: ${(error as Error).message}`);
        break;
      }
      worker.unref();
      this.#allLoaded.push(new Promise((resolve) => {
        worker.once('exit', resolve);
        worker.on('message', (reply: { ready?: boolean }) => {
          if (!reply.ready) return;
          this.#loaded.push(worker);
          resolve(undefined);
        });
      }));
      worker.on('message', (reply: { id?: number; chunks?: FormattedChunk[]; error?: string }) => { if (reply.id !== undefined) this.#settle(reply as { id: number }); });
      worker.on('error', (error) => {
        warn(`a SIEM formatting thread failed (its pages are formatted on the main thread): ${error.message}`);
        this.#retire(worker);
      });
      worker.on('exit', () => this.#retire(worker));
      this.#workers.push(worker);
    }
  }

  /** Threads that are loaded and formatting (0: everything is formatted on the caller's thread). */
  get threads(): number {
    return this.#loaded.length;
  }

  /** Two pages queued per thread plus the one being delivered: a thread finds its next page waiting while this one reads and writes. */
  get depth(): number {
    return this.#loaded.length * 2 + 1;
  }

  /** Resolves once every thread has loaded its modules (a benchmark waits for this before timing). */
  async ready(): Promise<void> {
    await Promise.all(this.#allLoaded);
  }

  format(rows: readonly StoredEvent[], sink: string): Promise<FormattedChunk[]> {
    const worker = this.#loaded[this.#turn++ % Math.max(1, this.#loaded.length)];
    if (!worker) return this.#inline.format(rows, sink);
    return this.#send(worker, rows, sink);
  }

  #send(worker: Worker, rows: readonly StoredEvent[], sink: string): Promise<FormattedChunk[]> {
    const id = this.#nextId++;
    const page = packPage(rows);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker, rows, sink });
      worker.postMessage({ id, sink, page }, [page.data.buffer as ArrayBuffer, page.ends.buffer as ArrayBuffer, page.numbers.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    this.#loaded.splice(0);
    for (const worker of workers) this.#takeOver(worker);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #settle(reply: { id: number; chunks?: FormattedChunk[]; error?: string }): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.chunks) pending.resolve(reply.chunks.map((c) => ({ ...c, bytes: Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength) })));
    else pending.reject(new Error(reply.error ?? 'SIEM formatting thread sent nothing'));
  }

  /** A worker that died: its pages are formatted on this thread, so the export does not notice. */
  #retire(worker: Worker): void {
    const index = this.#workers.indexOf(worker);
    if (index < 0) return;
    this.#workers.splice(index, 1);
    if (this.#loaded.includes(worker)) this.#loaded.splice(this.#loaded.indexOf(worker), 1);
    this.#takeOver(worker);
  }

  #takeOver(worker: Worker): void {
    for (const [id, pending] of this.#pending) {
      if (pending.worker !== worker) continue;
      this.#pending.delete(id);
      this.#inline.format(pending.rows, pending.sink).then(pending.resolve, pending.reject);
    }
  }
}
