import pg from 'pg';
import { onSessionLost } from './dedicated-session.ts';
import type { ProjectionLeadership } from '../projection-leadership.ts';

/**
 * The session lock whose holder projects: an arbitrary constant unlike every other advisory key (7_443_001/002 in
 * store/, 7_443_01x in repositories/) — held for a leader's lifetime, a shared key would block its other users.
 */
const projectionLock = 7_443_160;

export interface ProjectionLockOptions {
  /** Connection settings of the store's pool; the lock is held on a connection of its own. */
  connection: pg.ClientConfig;
  /** How often a collector that is not the leader tries to take the lock. */
  retryMs?: number;
  /** Told of each lost connection; the lock keeps being sought. */
  onError: (error: Error) => void;
}

/**
 * Elects the projecting collector with a session-level advisory lock on a dedicated connection: the lock lives
 * exactly as long as that session, so when the leader's process dies (or its connection drops) PostgreSQL
 * releases it and the next try of another collector — within `retryMs` — takes over. The new leader resumes from
 * the shared projection cursor, and passes still lock the cursor row, so even a leader that lost its connection
 * in the middle of a pass cannot project an event a second time.
 */
export class PostgresProjectionLock implements ProjectionLeadership {
  readonly #options: ProjectionLockOptions;
  readonly #listeners = new Set<(leader: boolean) => void>();
  #client: pg.Client | undefined;
  #leader = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ProjectionLockOptions) {
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Makes the first attempt (resolves once it is answered) and keeps trying while another collector leads. */
  start(): Promise<void> {
    return this.#attempt();
  }

  onChange(listener: (leader: boolean) => void): void {
    this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#setLeader(false);
    // Ending the session releases the lock; no unlock needed.
    await client?.end().catch(() => undefined);
  }

  #setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    for (const listener of this.#listeners) listener(leader);
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.#options.connection);
    onSessionLost(client, (error) => {
      if (this.#client === client) this.#client = undefined;
      if (this.#closed) return;
      this.#setLeader(false);
      this.#options.onError(error ?? new Error('projection lock connection ended'));
      this.#schedule();
    });
    await client.connect();
    this.#client = client;
    return client;
  }

  async #attempt(): Promise<void> {
    if (this.#closed || this.#leader) return;
    try {
      const client = this.#client ?? await this.#connect();
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [projectionLock]);
      if (this.#closed) return;
      if (rows[0]?.taken) this.#setLeader(true);
      else this.#schedule();
    } catch (error) {
      if (this.#closed) return;
      this.#options.onError(error as Error);
      this.#schedule();
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#attempt(), this.#options.retryMs ?? 1_000);
    this.#timer.unref();
  }
}
