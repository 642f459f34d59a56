import type pg from 'pg';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Agents' connected flags and last-seen times, written together: the calls made while one write is out go in the
 * next, as one UPDATE (one round trip, one commit and its WAL flush) instead of one autocommitted UPDATE each.
 * When 1,000 agents' streams ended within a second, their ~800 separate commits each waited for a WAL flush
 * that also had to write the evidence groups' COPY data ahead of it. One write is out at a time, and a later call
 * for the same agent replaces an earlier one still waiting, so each agent's row ends as the last call left it.
 * The rows are locked in id order, as the group append locks them, so the two never deadlock.
 */
export class ConnectionStates {
  readonly #pool: pg.Pool;
  #pending = new Map<string, { connected: boolean; timeMs: number; waiters: Waiter[] }>();
  #writing = false;
  #idle: (() => void)[] = [];

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Resolves once a write carrying this call's state (or a later one for the same agent) is committed. */
  set(agentId: string, connected: boolean, timeMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.#pending.get(agentId)?.waiters ?? [];
      waiters.push({ resolve, reject });
      this.#pending.delete(agentId); // re-inserted last: the map's order is the order of the latest calls
      this.#pending.set(agentId, { connected, timeMs, waiters });
      if (!this.#writing) {
        this.#writing = true;
        // Calls made in the same turn of the event loop (streams ending together) join this write.
        setImmediate(() => void this.#write());
      }
    });
  }

  async #write(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    const ids = [...batch.keys()];
    const states = [...batch.values()];
    try {
      await this.#pool.query({
        name: 'connection-states-write',
        text: `WITH states AS (SELECT * FROM unnest($1::text[], $2::boolean[], $3::bigint[]) AS s(id, connected, time_ms)),
          locked AS (SELECT id FROM agents WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)
          UPDATE agents a SET connected = s.connected, last_seen_ms = s.time_ms
          FROM states s JOIN locked l ON l.id = s.id WHERE a.id = s.id`,
        values: [ids, states.map((s) => s.connected), states.map((s) => s.timeMs)],
      });
      for (const state of states) for (const waiter of state.waiters) waiter.resolve();
    } catch (error) {
      for (const state of states) for (const waiter of state.waiters) waiter.reject(error);
    }
    if (this.#pending.size > 0) return this.#write();
    this.#writing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once every call made so far is written (or failed): before the store's pool closes. */
  settled(): Promise<void> {
    return this.#writing ? new Promise((resolve) => this.#idle.push(resolve)) : Promise.resolve();
  }
}
