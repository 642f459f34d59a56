import { mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { changeKinds, type ChangeFeed, type ChangeKind } from '../change-feed.ts';

/**
 * SQLite's counterpart of PostgreSQL's NOTIFY (issue 14: "on SQLite, the CLI's publish also reaches the running
 * collector"). Every process sharing the file is on this host, so a writer touches one small file per kind of change
 * in a folder beside the database after its commit, and the running collector hears it through the OS (inotify on
 * Linux) instead of at its next poll. The folder holds nothing else: the database's own files change on every
 * ingest commit, and watching them would wake the collector thousands of times a second.
 *
 * The signal is only a wake-up: what changed is read from the database, so a signal lost (a filesystem without
 * change events) costs only the latency of the poll that stays behind it.
 */
export function changeSignalDir(databasePath: string): string | undefined {
  if (databasePath === '' || databasePath === ':memory:') return undefined;
  return join(dirname(databasePath), `${basename(databasePath)}-changes`);
}

/** Tells a running collector on this database that a change of `kind` committed. Never throws: the poll is behind it. */
export function signalChange(databasePath: string, kind: ChangeKind): void {
  const dir = changeSignalDir(databasePath);
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, kind), `${Date.now()}\n`, { mode: 0o600 });
  } catch {
    // a read-only or vanished data dir: the running collector's poll still takes the change up
  }
}

/** Hears the signals of every process writing this database (the running collector's own included). */
export class SqliteChangeSignals implements ChangeFeed {
  readonly #listeners = new Map<ChangeKind, Set<(id: string) => void>>();
  readonly #watcher: FSWatcher | undefined;
  readonly #kinds = new Set<string>(changeKinds);

  /** `onError`: the folder could not be watched (the poll then carries every change). */
  constructor(databasePath: string, onError: (error: Error) => void) {
    const dir = changeSignalDir(databasePath);
    if (!dir) return;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.#watcher = watch(dir, { persistent: false }, (_event, file) => {
        const kind = file?.toString();
        if (kind && this.#kinds.has(kind)) for (const listener of this.#listeners.get(kind as ChangeKind) ?? []) listener('');
      });
      this.#watcher.on('error', onError);
    } catch (error) {
      onError(error as Error);
    }
  }

  on(kind: ChangeKind, listener: (id: string) => void): void {
    let set = this.#listeners.get(kind);
    if (!set) this.#listeners.set(kind, (set = new Set()));
    set.add(listener);
  }

  /** Called once, at once: changes committed before the watch began were not heard. */
  onResync(listener: () => void): void {
    queueMicrotask(listener);
  }

  async close(): Promise<void> {
    this.#watcher?.close();
  }
}
