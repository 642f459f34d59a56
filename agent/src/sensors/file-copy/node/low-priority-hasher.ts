/**
 * SHA-256 of files on a worker thread running at the lowest CPU priority (nice 19), so hashing a big file that
 * just landed on a stick never competes with the user's next copy. On Linux nice is per thread (setpriority with
 * who = 0 changes the calling thread only) and the I/O scheduler derives a best-effort I/O priority from it, so the
 * worker's reads (synchronous, issued by that thread) are low priority too. Elsewhere setPriority may affect the
 * whole process or be refused; then the worker just runs at normal priority.
 * The worker's code is inline (eval) so the single executable needs no file beside it.
 */
import { Worker } from 'node:worker_threads';
import type { HashedFile } from './hash.ts';

const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { setPriority, constants } = require('node:os');
let lowered = false;
try { if (process.platform === 'linux') { setPriority(0, constants.priority.PRIORITY_LOW); lowered = true; } } catch {}
const buffer = Buffer.allocUnsafe(1024 * 1024);
// keepBytes: a file no larger than this is read whole into memory of its own and handed back with its hash, so
// content inspection reads the bytes that were hashed instead of reading the file a second time.
parentPort.on('message', ({ id, path, keepBytes }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    const size = keepBytes > 0 ? fstatSync(fd).size : -1;
    if (size >= 0 && size <= keepBytes) {
      const whole = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const n = readSync(fd, whole, filled, size - filled, null);
        if (n === 0) break;
        filled += n;
      }
      hash.update(whole.subarray(0, filled));
      // Changed since the stat (grown or cut): hash what is there and keep nothing; the exit watcher's check around
      // hashing sees the change and hashes the final version.
      let changed = filled < size;
      for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) { hash.update(buffer.subarray(0, n)); changed = true; }
      const sha256 = hash.digest('hex');
      if (changed) parentPort.postMessage({ id, sha256, lowered });
      else parentPort.postMessage({ id, sha256, lowered, bytes: whole }, [whole.buffer]);
      return;
    }
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
  readonly #pending = new Map<number, { resolve: (hashed: HashedFile) => void; reject: (error: Error) => void }>();

  /** SHA-256 (hex) of the file at `path`, read and hashed on the low-priority thread. */
  async hash(path: string): Promise<string> {
    return (await this.hashKeeping(path, 0)).sha256;
  }

  /** Like `hash`, and a file of at most `keepBytes` comes back with its bytes (the ones hashed). */
  hashKeeping(path: string, keepBytes: number): Promise<HashedFile> {
    const worker = this.#start();
    const id = this.#next++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, path, keepBytes });
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
    worker.on('message', (message: { id: number; sha256?: string; bytes?: Uint8Array; error?: string }) => {
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve({ sha256: message.sha256 ?? '', ...(message.bytes ? { bytes: message.bytes } : {}) });
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
