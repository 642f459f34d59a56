import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Limiter, sha256FileKeeping, type HashedFile } from './hash.ts';
import { chokidarTreeWatch, nativeTreeWatch, type TreeWatch } from './tree-watch.ts';

/** One file that landed on an exit, hashed. */
/** How far a new file's ctime may lag the moment its exit was seen (coarse kernel clock, FAT granularity). */
export const timestampSlackMs = 2_000;

export interface LandedFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  operation: 'created' | 'modified';
  /** The bytes hashed, when the file was at most `keepBytes` (content inspection reads these, not the file again). */
  bytes?: Uint8Array;
}

export interface ExitWatcherOptions {
  root: string;
  /** Files whose change time is at or after this are new (written since the exit appeared); older ones are baseline. */
  sinceMs: number;
  /** Files are hashed once the whole exit has seen no write for this long (the user's copy is over). */
  settleMs: number;
  /** Under writes that never pause, files that stopped changing are hashed after this long anyway (default 30 s). */
  settleMaxDelayMs?: number;
  reconcileQuietMs: number;
  maxDepth: number;
  ignored: (relativePath: string) => boolean;
  hashing: Limiter;
  /** "native" (fs.watch; default) or "chokidar". */
  watcher?: 'native' | 'chokidar';
  /** Native watcher on Linux: how long a directory's watch rests after an event (see TreeWatchOptions.pauseMs). */
  watchPauseMs?: number;
  onFile: (file: LandedFile) => void;
  /** How a settled file is hashed (default: a streamed read on the main thread), keeping files of up to `keepBytes`. */
  hashFile?: (path: string, keepBytes: number) => Promise<HashedFile>;
  /** Files up to this size are handed on with their bytes (0: never). */
  keepBytes?: number;
  /**
   * A fingerprint of the exit filesystem's free space (blocks and inodes), for an exit that is a filesystem of its
   * own (a stick): writes into a directory not watched yet raise no watch event, but they change it. Absent (a
   * folder on the system disk, where every other program's writes change it too): only watch events count.
   */
  freeSpace?: () => Promise<string>;
  onError: (error: Error) => void;
}

/** Default of `settleMaxDelayMs`. */
const defaultSettleMaxDelayMs = 30_000;

interface Known {
  size: number;
  mtimeMs: number;
  /** Hashed and reported; baseline files (there before) are known but not reported. */
  reported: boolean;
}

/**
 * Watches one exit root (a mounted stick, a cloud-sync folder, a network share) and reports every file written to
 * it exactly once per content version. chokidar (inotify/FSEvents/ReadDirectoryChangesW) gives the events; a file
 * is hashed once it stops changing; after each burst a rescan of the tree catches anything the OS watcher dropped
 * (inotify queue overflow under a 5,000-file copy), so no copy goes unrecorded.
 */
export class ExitWatcher {
  readonly #options: ExitWatcherOptions;
  readonly #known = new Map<string, Known>();
  /**
   * Paths written (or found by a rescan) and not yet hashed. A set, so a file written in 8,000 chunks is one entry,
   * and no timer per write: one timer per exit waits for the exit to go quiet.
   */
  readonly #settling = new Set<string>();
  readonly #inFlight = new Set<string>();
  #watcher: TreeWatch | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  /** When the settle timer was armed from idle (bounds the wait under writes that never pause). */
  #settleSinceMs = 0;
  #reconcileTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #closed = false;
  #lastChangeMs = 0;
  /** The exit's free-space fingerprint at the last look (undefined: not looked at yet, or no probe). */
  #lastFreeSpace: string | undefined;
  /** The settle timer fired and the free-space probe is still answering (so a new event does not arm a second one). */
  #settleChecking = false;
  /** The reconcile timer fired and the free-space probe is still answering (the same, for the rescan after a burst). */
  #reconcileChecking = false;

  constructor(options: ExitWatcherOptions) {
    this.#options = options;
  }

  get root(): string {
    return this.#options.root;
  }

  /** Starts watching; resolves once the watcher is ready and the tree has been baselined. */
  async start(): Promise<void> {
    const options = {
      root: this.#options.root, maxDepth: this.#options.maxDepth, ignored: this.#options.ignored,
      onChange: (path: string) => this.#touched(path), onError: this.#options.onError, pauseMs: this.#options.watchPauseMs ?? 0,
    };
    this.#watcher = this.#options.watcher === 'chokidar' ? await chokidarTreeWatch(options) : await nativeTreeWatch(options);
    await this.#scan();
  }

  /** Stops watching; files still settling are hashed if they can still be read (the exit may be gone). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconcileTimer);
    clearTimeout(this.#settleTimer);
    await this.#watcher?.close();
    const last = [...this.#settling];
    this.#settling.clear();
    for (const path of last) void this.#hash(path, -1);
  }

  /** A rescan is due once writes pause (the sensor's idle() waits for it too). */
  get reconcilePending(): boolean {
    return this.#dirty && !this.#closed;
  }

  /** Files settling, hashing or queued: 0 when everything seen so far has been reported. */
  get backlog(): number {
    return this.#settling.size + this.#inFlight.size;
  }

  /** Rescans the tree now (also done automatically after each burst). */
  async reconcile(): Promise<void> {
    await this.#scan();
  }

  #relative(path: string): string {
    return relative(this.#options.root, path).split(sep).join('/');
  }

  /** When the OS watcher last reported a write under this root (Date.now() ms; 0: never). */
  get lastChangeMs(): number {
    return this.#lastChangeMs;
  }

  /**
   * Runs on every OS write event, on the agent's main thread, while the user's copy runs: so it only notes the
   * path and the time. Timers are armed once per burst, not once per write (a 1 GB copy is ~8,000 writes).
   */
  #touched(path: string): void {
    if (this.#closed) return;
    this.#lastChangeMs = Date.now();
    this.#dirty = true;
    this.#settle(path);
    if (!this.#reconcileChecking) this.#reconcileTimer ??= setTimeout(() => this.#afterBurst(), this.#options.reconcileQuietMs);
  }

  /**
   * The burst's end is judged by the free space too, and only once the probe has answered: judged on watch events
   * alone, the rescan ran while writes no watch saw (a resting watch, a folder not watched yet) still went on, and
   * the files written after it were never found (exit-watcher.test.ts; seen in CI when the settle check's probe
   * answered after this timer).
   */
  #afterBurst(): void {
    this.#reconcileTimer = undefined;
    if (!this.#dirty || this.#closed) return;
    this.#reconcileChecking = true;
    void this.#freeSpaceChanged().then((changed) => {
      this.#reconcileChecking = false;
      if (this.#closed) return;
      if (changed) this.#lastChangeMs = Date.now();
      const quietFor = Date.now() - this.#lastChangeMs;
      if (quietFor < this.#options.reconcileQuietMs) {
        this.#reconcileTimer ??= setTimeout(() => this.#afterBurst(), this.#options.reconcileQuietMs - quietFor);
        return;
      }
      this.#dirty = false;
      void this.#scan();
    });
  }

  /** Queues the file; it is hashed once the exit has been quiet for `settleMs`. */
  #settle(path: string): void {
    this.#settling.add(path);
    if (this.#settleTimer || this.#settleChecking || this.#closed) return;
    this.#settleSinceMs = Date.now();
    // The free space when the burst began, so the first check already sees writes the watch could not.
    void this.#freeSpaceChanged();
    this.#settleTimer = setTimeout(() => this.#settled(), this.#options.settleMs);
  }

  /**
   * True when the exit's free space changed since the last look: someone is writing, maybe where no watch sees it.
   * Measured on bench:usb-copy: `cp -r` of a 5,000-file folder raised one event at the stick's root (the folder's
   * name) and then wrote only inside the new folder, which is watched once the rescan finds it. The root looked
   * quiet after `settleMs`, so the rescan, hashing and inspection ran while the copy was still writing (0.3-0.45 s
   * of agent CPU during a 0.8 s copy). One statfs per settle period sees those writes.
   */
  async #freeSpaceChanged(): Promise<boolean> {
    if (!this.#options.freeSpace) return false;
    let now: string;
    try {
      now = await this.#options.freeSpace();
    } catch {
      return false; // the exit is going away; the watch and the hash report that
    }
    const changed = this.#lastFreeSpace !== undefined && now !== this.#lastFreeSpace;
    this.#lastFreeSpace = now;
    return changed;
  }

  /**
   * Hashing and everything after it (source lookup, inspection) wait until the whole exit has seen no write for
   * `settleMs`: measured on bench:usb-copy, work that started while the copy still ran slowed it (the copy and the
   * agent's threads share two cores). Under writes that never pause, `settleMaxDelayMs` bounds the wait.
   */
  #settled(): void {
    this.#settleTimer = undefined;
    if (this.#closed) return;
    this.#settleChecking = true;
    void this.#freeSpaceChanged().then((changed) => {
      this.#settleChecking = false;
      if (changed) this.#lastChangeMs = Date.now();
      this.#settledIfQuiet();
    });
  }

  #settledIfQuiet(): void {
    if (this.#closed) return;
    const now = Date.now();
    const quietFor = now - this.#lastChangeMs;
    const maxDelay = this.#options.settleMaxDelayMs ?? defaultSettleMaxDelayMs;
    if (quietFor < this.#options.settleMs && now - this.#settleSinceMs < maxDelay) {
      this.#settleTimer = setTimeout(() => this.#settled(), this.#options.settleMs - quietFor);
      return;
    }
    const paths = [...this.#settling];
    this.#settling.clear();
    for (const path of paths) void this.#check(path);
  }

  async #check(path: string): Promise<void> {
    // Counted as in flight while it is looked at, so idle() and backlog do not see a gap between queue and hash.
    if (this.#inFlight.has(path)) return;
    this.#inFlight.add(path);
    let stats;
    try {
      stats = await stat(path);
    } catch {
      this.#inFlight.delete(path); // deleted or renamed away before it settled (e.g. a temp file)
      return;
    }
    this.#inFlight.delete(path);
    if (!stats.isFile()) {
      // A new directory (copied folder): watch it and pick up what was written into it before the watch began.
      if (stats.isDirectory()) void this.#scanDirectory(path);
      return;
    }
    // Written within the settle period (still being written under writes that never pause, or a write the OS
    // watcher dropped): look again later. A file still being written that slips through is caught by the
    // before/after check around hashing.
    if (Date.now() - stats.mtimeMs < this.#options.settleMs) {
      this.#settle(path);
      return;
    }
    await this.#hash(path);
  }

  /** `lastSize`: when closing, a file that can no longer be read (stick ejected) is still recorded, unhashed. */
  async #hash(path: string, lastSize?: number): Promise<void> {
    if (this.#inFlight.has(path)) return;
    this.#inFlight.add(path);
    try {
      await this.#options.hashing.run(async () => {
        const before = await stat(path);
        const known = this.#known.get(path);
        if (known?.reported && known.size === before.size && known.mtimeMs === before.mtimeMs) return;
        const { sha256, bytes } = await (this.#options.hashFile ?? sha256FileKeeping)(path, this.#options.keepBytes ?? 0);
        const after = await stat(path);
        if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
          this.#settle(path); // changed while hashing: hash the final version
          return;
        }
        this.#known.set(path, { size: after.size, mtimeMs: after.mtimeMs, reported: true });
        this.#options.onFile({ path, sizeBytes: after.size, sha256, operation: known ? 'modified' : 'created', ...(bytes ? { bytes } : {}) });
      });
    } catch (error) {
      if (lastSize !== undefined && !this.#known.get(path)?.reported) {
        // Written, then the exit vanished before the file settled: the copy happened, its content is unknown.
        this.#options.onFile({ path, sizeBytes: Math.max(lastSize, 0), sha256: '', operation: 'created' });
      } else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#options.onError(error as Error);
      }
    } finally {
      this.#inFlight.delete(path);
    }
  }

  async #scanDirectory(dir: string): Promise<void> {
    this.#watcher?.addDirectory(dir);
    await this.#scan(dir, relative(this.#options.root, dir).split(sep).length);
  }

  /** Walks the tree: new or changed files not already on their way are settled and hashed. */
  async #scan(from = this.#options.root, fromDepth = 0): Promise<void> {
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (this.#closed) return;
        const path = join(dir, entry.name);
        if (this.#options.ignored(this.#relative(path))) continue;
        if (entry.isDirectory()) {
          if (depth < this.#options.maxDepth) {
            this.#watcher?.addDirectory(path);
            await walk(path, depth + 1);
          }
          continue;
        }
        if (!entry.isFile() || this.#settling.has(path) || this.#inFlight.has(path)) continue;
        let stats;
        try {
          stats = await stat(path);
        } catch {
          continue;
        }
        const known = this.#known.get(path);
        if (known && known.size === stats.size && known.mtimeMs === stats.mtimeMs) continue;
        // File timestamps come from the kernel's coarse clock (and FAT keeps them in 10 ms / 2 s steps), so a file
        // written just as the exit appeared can carry a time slightly before `sinceMs`: allow for that.
        if (!known && stats.ctimeMs < this.#options.sinceMs - timestampSlackMs) {
          this.#known.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, reported: false });
          continue;
        }
        this.#settle(path);
      }
    };
    await walk(from, fromDepth);
  }
}
