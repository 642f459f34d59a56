/**
 * SHA-256 of files on a worker thread running at the lowest CPU priority (nice 19), so hashing a big file that
 * just landed on a stick never competes with the user's next copy. On Linux nice is per thread (setpriority with
 * who = 0 changes the calling thread only) and the I/O scheduler derives a best-effort I/O priority from it, so the
 * worker's reads (synchronous, issued by that thread) are low priority too. Elsewhere setPriority may affect the
 * whole process or be refused; then the worker just runs at normal priority.
 * The worker's code is inline (eval) so the single executable needs no file beside it.
 */
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const { setPriority, constants } = require('node:os');
let lowered = false;
try { if (process.platform === 'linux') { setPriority(0, constants.priority.PRIORITY_LOW); lowered = true; } } catch {}
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
    parentPort.postMessage({ id, sha256: hash.digest('hex'), lowered });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

export class LowPriorityHasher {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (sha: string) => void; reject: (error: Error) => void }>();

  /** SHA-256 (hex) of the file at `path`, read and hashed on the low-priority thread. */
  hash(path: string): Promise<string> {
    const worker = this.#start();
    const id = this.#next++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, path });
    });
  }

  /** Ends the worker (it is started again on the next hash). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerSource, { eval: true });
    // An idle worker must not keep the agent (or a test) alive; it is referenced while hashes are pending.
    worker.unref();
    worker.on('message', (message: { id: number; sha256?: string; error?: string }) => {
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.sha256 ?? '');
      if (this.#pending.size === 0) worker.unref();
    });
    worker.on('error', (error) => {
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
      this.#worker = undefined;
    });
    this.#worker = worker;
    return worker;
  }
}

let shared: LowPriorityHasher | undefined;
/** The agent's one low-priority hashing thread. */
export function lowPriorityHasher(): LowPriorityHasher {
  shared ??= new LowPriorityHasher();
  return shared;
}
