/** One agent's connected flag and last-seen time, as a store writes it. */
export interface ConnectionFlag {
  agentId: string;
  connected: boolean;
  timeMs: number;
}

/** Writes flags in one transaction (SQLite: synchronously; PostgreSQL: one UPDATE); throws if none was written. */
export type WriteConnectionFlags = (flags: ConnectionFlag[]) => Promise<void> | void;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Agents' connected flags, written together whatever the store: when 1,000 agents' streams end at once (bench:ingest),
 * one write instead of one commit per agent, on the thread that also reads gRPC and stores batches (SQLite), or ahead
 * of a WAL flush that also carries the evidence COPYs (PostgreSQL). The flags set in one turn of the event loop go in
 * one write; calls made while a write is out go in the next (one write out at a time). A later call for the same agent
 * replaces an earlier one still waiting, and both callers learn of the write that carries it, so each agent's row ends
 * as the last call left it. A failed write fails the calls it carried; the next write goes on.
 */
export class ConnectionFlagCoalescer {
  readonly #write: WriteConnectionFlags;
  #pending = new Map<string, { connected: boolean; timeMs: number; waiters: Waiter[] }>();
  #scheduled: NodeJS.Immediate | undefined;
  #writing = false;
  #idle: (() => void)[] = [];

  constructor(write: WriteConnectionFlags) {
    this.#write = write;
  }

  /** Resolves once a write carrying this call's flag (or a later one for the same agent) is committed. */
  set(agentId: string, connected: boolean, timeMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.#pending.get(agentId)?.waiters ?? [];
      waiters.push({ resolve, reject });
      this.#pending.delete(agentId); // re-inserted last: the map's order is the order of the latest calls
      this.#pending.set(agentId, { connected, timeMs, waiters });
      // Calls made in the same turn of the event loop (streams ending together) join this write.
      if (!this.#writing) this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Starts writing what is pending now instead of at the end of the turn (before the database closes). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#writing || this.#pending.size === 0) return;
    this.#writing = true;
    void this.#drain();
  }

  /** Resolves once every call made so far is written (or failed). */
  settled(): Promise<void> {
    if (!this.#writing && this.#pending.size === 0) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    if (!this.#writing) this.flush();
    return idle;
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0) {
      const batch = this.#pending;
      this.#pending = new Map();
      const flags = [...batch].map(([agentId, flag]) => ({ agentId, connected: flag.connected, timeMs: flag.timeMs }));
      try {
        await this.#write(flags);
        for (const flag of batch.values()) for (const waiter of flag.waiters) waiter.resolve();
      } catch (error) {
        for (const flag of batch.values()) for (const waiter of flag.waiters) waiter.reject(error);
      }
    }
    this.#writing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
