/**
 * File copies to exits, on every OS Node runs on.
 * OS interfaces: chokidar 4 (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) on each exit
 *   root — removable mounts published by the usb sensor, the policy's exit folders (cloud sync), network shares
 *   (Linux: cifs/nfs/sshfs mounts from /proc/self/mountinfo) —; SHA-256 by streaming read; statfs of removable
 *   mounts (free space that still moves = a copy still writing, also where no watch sees it yet).
 * Privileges: read access to the exits and the source folders (the agent runs as root/LocalSystem).
 * Known gaps: the writing process is not known (the user is the PC's logged-in user); a file renamed on the
 *   exit is recorded again only if its content changed; network shares on Windows/macOS are not discovered yet
 *   (list them as exits in policy); inotify watches cost one per directory on a large share.
 */
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileCopyPolicy } from '@mamori/policies';
import type { PolicyHolder } from '../../../core/policy-holder.ts';
import { toContentInspection } from '../../../inspect/common/to-event.ts';
import type { ContentInspector } from '../../../inspect/node/content-inspector.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { MountHub } from '../../../core/removable-media/mount-hub.ts';
import type { UsbDeviceInfo } from '../../../core/removable-media/usb-device.ts';
import type { FileCopySensorConfig } from '../common/config.ts';
import { compileIgnore, expandHome } from '../common/glob.ts';
import { ExitWatcher, type LandedFile } from './exit-watcher.ts';
import { Limiter } from './hash.ts';
import { lowPriorityHasher } from './low-priority-hasher.ts';
import { SourceIndex } from './source-index.ts';

export type DestinationKind = 'removable' | 'cloud_sync' | 'network_share';

export interface FileCopySensorOptions {
  config: FileCopySensorConfig;
  policy: PolicyHolder;
  mounts: MountHub;
  user: () => string;
  /** The logged-in user's home, for "~" in policy paths. */
  home: () => string;
  /** Reads what landed for content rules (absent: no content inspection). */
  inspector?: ContentInspector;
  /** Lists mounted network shares (Linux); absent elsewhere. */
  networkShares?: () => Promise<string[]>;
  now?: () => number;
}

interface Root {
  watcher: ExitWatcher;
  kind: DestinationKind;
  device?: UsbDeviceInfo;
}

/** Defaults used before the first policy arrives. */
const noPolicy: FileCopyPolicy = { removable: true, network_shares: true, exits: [], source_folders: [], ignore: [] };

export class ChokidarFileCopySensor implements Sensor {
  readonly name = 'file-copy' as const;
  readonly #options: FileCopySensorOptions;
  readonly #now: () => number;
  readonly #roots = new Map<string, Root>();
  readonly #lookups = new Set<Promise<void>>();
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };
  #emit: Emit | undefined;
  #hashing: Limiter;
  /** One file inspected at a time: a burst of copies must not take both cores from the user. */
  readonly #inspecting = new Limiter(1);
  /** Bytes of landed files held for inspection (kept from the hashing read). */
  #heldBytes = 0;
  #sources: SourceIndex;
  #errors = 0;

  constructor(options: FileCopySensorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#hashing = new Limiter(options.config.hashConcurrency);
    this.#sources = new SourceIndex({
      folders: () => this.#policy().source_folders.map((f) => expandHome(f, options.home())),
      refreshMs: options.config.sourceIndexRefreshMs, maxFiles: options.config.sourceIndexMaxFiles,
      // Source files are hashed on the same nice-19 thread as landed files, not on libuv's pool at normal priority
      // (four threads that took the core the user's copy needed).
      ...(options.config.hashPriority === 'low' ? { hashFile: (path: string) => lowPriorityHasher().hash(path) } : {}),
    });
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#emit = emit;
    const { mounts } = this.#options;
    const unsubscribeMounts = mounts.subscribe(({ type, mount }) => {
      if (type === 'mounted' && this.#policy().removable) void this.#add(mount.mountPoint, 'removable', this.#now(), mount.device);
      if (type === 'unmounted') void this.#remove(mount.mountPoint);
    });
    const unsubscribePolicy = this.#options.policy.subscribe(() => void this.#syncExits());
    for (const mount of mounts.current()) {
      if (this.#policy().removable) await this.#add(mount.mountPoint, 'removable', this.#now(), mount.device);
    }
    await this.#syncExits();
    // Exit folders created later (OneDrive set up after the agent started) and shares mounted later.
    const timer = setInterval(() => void this.#syncExits(), this.#options.config.networkSharePollMs);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      unsubscribeMounts();
      unsubscribePolicy();
      for (const root of [...this.#roots.keys()]) void this.#remove(root);
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    this.#status = { state: 'running', detail: this.#detail() };
    return this.#status;
  }

  status(): SensorStatus {
    if (this.#status.state === 'stopped') return this.#status;
    return this.#errors > 0
      ? { state: 'degraded', detail: `${this.#detail()}; ${this.#errors} watch/read errors` }
      : { state: 'running', detail: this.#detail() };
  }

  /** Exit roots watched now, with their kind. */
  roots(): { root: string; kind: DestinationKind }[] {
    return [...this.#roots].map(([root, { kind }]) => ({ root, kind }));
  }

  /** Resolves when every file seen so far has been hashed, traced and emitted (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.#lookups]);
      const busy = [...this.#roots.values()].some((r) => r.watcher.backlog > 0 || r.watcher.reconcilePending) || this.#lookups.size > 0;
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Rescans every root now (what a burst's end does on its own). */
  async reconcile(): Promise<void> {
    await Promise.all([...this.#roots.values()].map((r) => r.watcher.reconcile()));
  }

  #policy(): FileCopyPolicy {
    return this.#options.policy.current()?.file_copy ?? noPolicy;
  }

  #detail(): string {
    const kinds = [...this.#roots.values()].map((r) => r.kind);
    return `watching ${kinds.length} exits (${['removable', 'cloud_sync', 'network_share'].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ')})`;
  }

  async #syncExits(): Promise<void> {
    const policy = this.#policy();
    const wanted = new Map<string, DestinationKind>();
    for (const exit of policy.exits) {
      const path = expandHome(exit.path, this.#options.home());
      if (existsSync(path)) wanted.set(path, exit.kind);
    }
    if (policy.network_shares && this.#options.networkShares) {
      for (const path of await this.#options.networkShares()) wanted.set(path, 'network_share');
    }
    for (const [root, { kind }] of this.#roots) {
      if (kind !== 'removable' && !wanted.has(root)) await this.#remove(root);
    }
    for (const [path, kind] of wanted) if (!this.#roots.has(path)) await this.#add(path, kind, this.#now());
  }

  async #add(root: string, kind: DestinationKind, sinceMs: number, device?: UsbDeviceInfo): Promise<void> {
    if (this.#roots.has(root)) return;
    const watcher = new ExitWatcher({
      root, sinceMs, settleMs: this.#options.config.settleMs, settleMaxDelayMs: this.#options.config.settleMaxDelayMs, reconcileQuietMs: this.#options.config.reconcileQuietMs,
      maxDepth: this.#options.config.maxDepth, ignored: compileIgnore(this.#policy().ignore), hashing: this.#hashing,
      watcher: this.#options.config.watcher, watchPauseMs: this.#options.config.watchPauseMs,
      ...(this.#options.config.hashPriority === 'low' ? { hashFile: (path: string, keep: number) => lowPriorityHasher().hashKeeping(path, keep) } : {}),
      keepBytes: this.#options.inspector?.rules() ? this.#options.config.inspectKeepBytes : 0,
      // A stick is a filesystem of its own: its free space moves only when someone writes to it.
      ...(kind === 'removable' ? { freeSpace: () => freeSpaceOf(root) } : {}),
      onFile: (file) => this.#landed(root, kind, device, file),
      onError: () => { this.#errors += 1; },
    });
    this.#roots.set(root, { watcher, kind, device });
    await watcher.start();
    this.#status = { ...this.#status, detail: this.#detail() };
  }

  async #remove(root: string): Promise<void> {
    const entry = this.#roots.get(root);
    if (!entry) return;
    this.#roots.delete(root);
    await entry.watcher.close();
  }

  #landed(root: string, kind: DestinationKind, device: UsbDeviceInfo | undefined, file: LandedFile): void {
    const inspector = this.#options.inspector;
    // The bytes from the hashing read are held for inspection within a budget; past it the file is read again.
    const held = file.bytes && this.#heldBytes + file.bytes.length <= this.#options.config.inspectKeepTotalBytes ? file.bytes : undefined;
    if (held) this.#heldBytes += held.length;
    const release = () => { if (held) this.#heldBytes -= held.length; };
    // A file that vanished before it could be hashed cannot be read either.
    const inspection = inspector?.rules() && file.sha256
      ? this.#inspecting.run(async () => {
        await this.#quiet();
        const name = basename(file.path);
        return inspector.inspect(held ? { name, bytes: held } : { name, file: file.path });
      }).finally(release)
      : Promise.resolve(undefined).finally(release);
    const lookup = Promise.all([this.#sources.lookup(file.sizeBytes, file.sha256).catch(() => ''), inspection]).then(([sourcePath, content]) => {
      this.#emit?.({
        user: this.#options.user(),
        fileCopy: {
          destinationPath: file.path, destinationKind: kind, destinationRoot: root, sizeBytes: file.sizeBytes,
          sha256: file.sha256, sourcePath, operation: file.operation, ...(device ? { device } : {}),
          ...(content ? { content: toContentInspection(content) } : {}),
        },
      });
    });
    this.#lookups.add(lookup);
    void lookup.finally(() => this.#lookups.delete(lookup));
  }

  /**
   * Waits until no exit has reported a write for `inspectQuietMs` (the user's copy is over), at most
   * `inspectMaxDelayMs`: inspection reads and scans whole files on the agent's main thread, and must not compete
   * with the copy it is recording.
   */
  async #quiet(): Promise<void> {
    const { inspectQuietMs, inspectMaxDelayMs } = this.#options.config;
    const started = Date.now();
    for (;;) {
      const lastChange = Math.max(0, ...[...this.#roots.values()].map((r) => r.watcher.lastChangeMs));
      const now = Date.now();
      const wait = Math.min(lastChange + inspectQuietMs - now, started + inspectMaxDelayMs - now);
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 200)));
    }
  }
}

/** Free blocks and inodes of the filesystem holding `path` (changes with every allocating write). */
async function freeSpaceOf(path: string): Promise<string> {
  const space = await statfs(path);
  return `${space.bfree}/${space.ffree}`;
}
