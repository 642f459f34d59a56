import type Database from 'better-sqlite3';

/**
 * Agents' connected flags (and last-seen times), written together: every flag set during one turn of the event loop
 * goes into one transaction at the end of the turn, and each caller's promise settles with that commit. When many
 * streams end at once (1,000 agents finishing a flood: ~800 flags in one burst, measured in bench:ingest) that is
 * one commit instead of one per agent, on the thread that also reads gRPC and stores batches. A later flag for the
 * same agent in the same turn replaces the earlier one, which is the order the separate writes had.
 */
export class ConnectionFlags {
  readonly #db: Database.Database;
  readonly #update: Database.Statement;
  #pending = new Map<string, { connected: boolean; timeMs: number }>();
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#update = db.prepare('UPDATE agents SET connected = ?, last_seen_ms = ? WHERE id = ?');
  }

  /** Sets the flag; resolves once it is committed (with the others set in this turn). */
  set(agentId: string, connected: boolean, timeMs: number): Promise<void> {
    this.#pending.set(agentId, { connected, timeMs });
    this.#scheduled ??= setImmediate(() => this.flush());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Writes what is pending now (also called before the database closes). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const pending = this.#pending;
    const waiters = this.#waiters;
    if (pending.size === 0) return;
    this.#pending = new Map();
    this.#waiters = [];
    try {
      this.#db.transaction(() => {
        for (const [agentId, flag] of pending) this.#update.run(flag.connected ? 1 : 0, flag.timeMs, agentId);
      })();
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}
