import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './hash.ts';
import { monotonicMs } from '../../../core/monotonic.ts';

interface Candidate {
  path: string;
  mtimeMs: number;
  /** Shared by concurrent lookups so a source file is hashed once, not once per copy of its size. */
  sha256?: Promise<string | undefined>;
}

export interface SourceIndexOptions {
  /** Absolute folders to look in (the user's Documents, the file server mount …). */
  folders: () => string[];
  refreshMs: number;
  maxFiles: number;
  /** Clock for the index's age (monotonic by default). */
  now?: () => number;
  /** How a candidate source file is hashed (default: streamed on the main thread, read on libuv's pool). */
  hashFile?: (path: string) => Promise<string>;
}

/**
 * Finds where a copied file came from: the source folders are indexed by size (a cheap walk), and only files of
 * the copied file's size are hashed — each at most once while unchanged — to compare content. So tracing 5,000
 * copies of 5,000 source files hashes each source file once, not 5,000 times.
 */
export class SourceIndex {
  readonly #options: SourceIndexOptions;
  readonly #now: () => number;
  #bySize = new Map<number, Candidate[]>();
  #builtAt = -Infinity;
  #building: Promise<void> | undefined;

  constructor(options: SourceIndexOptions) {
    this.#options = options;
    this.#now = options.now ?? monotonicMs;
  }

  /** The path of a file in the source folders with this content, or '' when there is none. */
  async lookup(size: number, sha256: string): Promise<string> {
    if (this.#now() - this.#builtAt > this.#options.refreshMs) await this.#rebuild();
    const found = await this.#find(size, sha256);
    if (found) return found;
    // A file saved into Documents a moment before being copied is not in an older index: refresh once.
    if (this.#now() - this.#builtAt > 2_000) {
      await this.#rebuild();
      return (await this.#find(size, sha256)) ?? '';
    }
    return '';
  }

  async #find(size: number, sha256: string): Promise<string | undefined> {
    for (const candidate of this.#bySize.get(size) ?? []) {
      candidate.sha256 ??= hashIfSize(candidate, size, this.#options.hashFile ?? sha256File);
      if (await candidate.sha256 === sha256) return candidate.path;
    }
    return undefined;
  }

  #rebuild(): Promise<void> {
    this.#building ??= (async () => {
      const previous = new Map([...this.#bySize.values()].flat().map((c) => [c.path, c]));
      const bySize = new Map<number, Candidate[]>();
      for (const folder of this.#options.folders()) {
        let count = 0;
        const walk = async (dir: string): Promise<void> => {
          let entries;
          try {
            entries = await readdir(dir, { withFileTypes: true });
          } catch {
            return;
          }
          for (const entry of entries) {
            if (count >= this.#options.maxFiles) return;
            const path = join(dir, entry.name);
            if (entry.isDirectory()) await walk(path);
            else if (entry.isFile()) {
              try {
                const stats = await stat(path);
                count += 1;
                const known = previous.get(path);
                const candidate = known && known.mtimeMs === stats.mtimeMs ? known : { path, mtimeMs: stats.mtimeMs };
                const list = bySize.get(stats.size);
                if (list) list.push(candidate);
                else bySize.set(stats.size, [candidate]);
              } catch {
                // vanished during the walk
              }
            }
          }
        };
        await walk(folder);
      }
      this.#bySize = bySize;
      this.#builtAt = this.#now();
    })().finally(() => { this.#building = undefined; });
    return this.#building;
  }
}

async function hashIfSize(candidate: Candidate, size: number, hashFile: (path: string) => Promise<string>): Promise<string | undefined> {
  try {
    const stats = await stat(candidate.path);
    if (stats.size !== size) return undefined;
    candidate.mtimeMs = stats.mtimeMs;
    return await hashFile(candidate.path);
  } catch {
    return undefined; // moved or deleted since indexing
  }
}
