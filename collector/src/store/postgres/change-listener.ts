import pg from 'pg';
import { onSessionLost } from './dedicated-session.ts';
import { changeKinds, type ChangeFeed, type ChangeKind } from '../change-feed.ts';

/** The channels the triggers of migrations 0160-change-notify.sql, 0221-alert-notify.sql, 0290-upload-exceptions.sql and
 * 0310-settings-notify.sql NOTIFY on. */
const channels: Record<ChangeKind, string> = {
  policyVersion: 'mamori_policy_version',
  deviceException: 'mamori_device_exception',
  uploadException: 'mamori_upload_exception',
  accessOutcome: 'mamori_access_outcome',
  alert: 'mamori_alert',
  setting: 'mamori_setting',
};

export interface ChangeListenerOptions {
  /** Connection settings of the store's pool; the listener opens its own connection with them. */
  connection: pg.ClientConfig;
  /** Told of each lost connection or failed reconnect; the listener keeps trying. */
  onError: (error: Error) => void;
  /** First wait after a lost connection, doubled per failed attempt up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * LISTENs on one dedicated connection, not a pooled one: a LISTEN belongs to its session, and a pooled client goes
 * back to the pool and serves queries (which would delay notifications behind them). When the connection drops
 * (server restart, failover) it reconnects with back-off and, once listening again, tells subscribers to resync:
 * NOTIFYs sent while nobody listened are gone.
 */
export class PostgresChangeListener implements ChangeFeed {
  readonly #options: ChangeListenerOptions;
  readonly #listeners = new Map<ChangeKind, Set<(id: string) => void>>();
  readonly #resyncListeners = new Set<() => void>();
  readonly #kindByChannel = new Map<string, ChangeKind>(changeKinds.map((kind) => [channels[kind], kind]));
  #client: pg.Client | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #backoffMs: number;

  constructor(options: ChangeListenerOptions) {
    this.#options = options;
    this.#backoffMs = options.minBackoffMs ?? 200;
  }

  /** Starts listening; resolves once the first connection listens (or failed and a retry is scheduled). */
  start(): Promise<void> {
    return this.#connect();
  }

  on(kind: ChangeKind, listener: (id: string) => void): void {
    let set = this.#listeners.get(kind);
    if (!set) this.#listeners.set(kind, (set = new Set()));
    set.add(listener);
  }

  onResync(listener: () => void): void {
    this.#resyncListeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#options.connection);
    const lost = onSessionLost(client, (error) => {
      if (this.#client === client) this.#client = undefined;
      if (this.#closed) return;
      this.#options.onError(error ?? new Error('change listener connection ended'));
      this.#scheduleReconnect();
    });
    client.on('notification', (message) => {
      const kind = this.#kindByChannel.get(message.channel);
      if (!kind) return;
      for (const listener of this.#listeners.get(kind) ?? []) listener(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(changeKinds.map((kind) => `LISTEN ${channels[kind]}`).join('; '));
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#backoffMs = this.#options.minBackoffMs ?? 200;
    for (const listener of this.#resyncListeners) listener();
  }

  #scheduleReconnect(): void {
    clearTimeout(this.#retry);
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 5_000);
    this.#retry = setTimeout(() => void this.#connect(), wait);
    this.#retry.unref();
  }
}
