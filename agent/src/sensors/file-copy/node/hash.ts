import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 of a file, streamed (a 1 GB copy never sits in memory). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** A file's SHA-256 and, when it was small enough to keep, the bytes that were hashed. */
export interface HashedFile {
  sha256: string;
  bytes?: Uint8Array;
}

/** SHA-256 of a file, streamed; a file of at most `keepBytes` also comes back whole (one read feeds hash and inspection). */
export async function sha256FileKeeping(path: string, keepBytes: number): Promise<HashedFile> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    kept += (chunk as Buffer).length;
    if (kept <= keepBytes) chunks.push(chunk as Buffer);
  }
  return { sha256: hash.digest('hex'), ...(kept <= keepBytes && keepBytes > 0 ? { bytes: Buffer.concat(chunks) } : {}) };
}

/** Runs at most `limit` tasks at once, the rest queued in order (unbounded: a burst is never dropped). */
export class Limiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Tasks running or queued. */
  get pending(): number {
    return this.#active + this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active += 1;
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#waiting.shift()?.();
    }
  }
}
