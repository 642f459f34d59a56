/**
 * Who may write the database next, between the store's own connection (the collector's main thread) and the
 * event writer thread's, in memory both threads share. SQLite alone would settle it with its busy handler, which
 * sleeps 1, 2, 5, 10 … ms and polls: the main thread, which talks gRPC, then slept through commits that had long
 * finished, and the writer ran dry meanwhile. Here a waiting side is woken the moment the other is done, and the
 * main thread goes first: the writer starts no transaction while the main thread wants to write.
 */
const WRITER_BUSY = 0;
const MAIN_WANTS = 1;
/** A bound on any one wait, so a thread that died holding a flag cannot block the other for good. */
const WAIT_MS = 200;

export class WriteGate {
  readonly shared: SharedArrayBuffer;
  readonly #flags: Int32Array;
  #depth = 0;

  constructor(shared: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.shared = shared;
    this.#flags = new Int32Array(shared);
  }

  /** Main thread: runs a write (a statement, a transaction; nested ones pass straight through) when the writer is not in one. */
  mainWrite<T>(write: () => T): T {
    if (this.#depth > 0) return write();
    const flags = this.#flags;
    Atomics.store(flags, MAIN_WANTS, 1);
    this.#depth += 1;
    try {
      const until = Date.now() + 5_000;
      while (Atomics.load(flags, WRITER_BUSY) === 1 && Date.now() < until) Atomics.wait(flags, WRITER_BUSY, 1, WAIT_MS);
      return write();
    } finally {
      this.#depth -= 1;
      Atomics.store(flags, MAIN_WANTS, 0);
      Atomics.notify(flags, MAIN_WANTS);
    }
  }

  /** Writer thread: runs one transaction once the main thread does not want to write, yielding to it if it asks first. */
  writerTurn<T>(write: () => T): T {
    const flags = this.#flags;
    for (;;) {
      while (Atomics.load(flags, MAIN_WANTS) === 1) Atomics.wait(flags, MAIN_WANTS, 1, WAIT_MS);
      Atomics.store(flags, WRITER_BUSY, 1);
      // Both sides raise their flag and then look at the other's: if the main thread raised its flag meanwhile,
      // back off and let it go first (it is waiting for WRITER_BUSY to drop).
      if (Atomics.load(flags, MAIN_WANTS) === 0) break;
      Atomics.store(flags, WRITER_BUSY, 0);
      Atomics.notify(flags, WRITER_BUSY);
    }
    try {
      return write();
    } finally {
      Atomics.store(flags, WRITER_BUSY, 0);
      Atomics.notify(flags, WRITER_BUSY);
    }
  }
}
