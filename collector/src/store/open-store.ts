import type Database from 'better-sqlite3';
import { databasePath } from '../data-dir.ts';
import { CollectorError } from '../errors.ts';
import type { ChangeFeed } from './change-feed.ts';
import { PostgresChangeListener } from './postgres/change-listener.ts';
import { recordDeploymentCa } from './postgres/deployment-ca.ts';
import { recordDeploymentEvidenceKey } from './postgres/deployment-evidence-key.ts';
import { moveLocalRows, type LocalRowsMoved } from './postgres/local-rows-move.ts';
import { PostgresProjectionLock } from './postgres/projection-lock.ts';
import type { ProjectionLeadership } from './projection-leadership.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { createPostgresRepositories } from './postgres/repositories/index.ts';
import { redactDatabaseUrl } from './postgres/redact-url.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';
import type { Repositories } from './repositories/index.ts';

/**
 * The store the collector runs on (evidence, agents, users, policy versions) and the feature repositories (alerts,
 * outbox, query tables, reports, SIEM cursors…). On SQLite both are the same file. On PostgreSQL every repository runs
 * there (`createPostgresRepositories`), shared by every collector on the database, and nothing local is opened.
 * `db` is the SQLite handle, for tests of a SQLite collector only (nothing outside store/ takes it); on PostgreSQL
 * there is none and reading it throws (tests there go through the repositories or the pool).
 */
export type CollectorStore = Store & { readonly repos: Repositories; readonly db: Database.Database };

/**
 * The evidence store and every repository on PostgreSQL. Since issue 14 nothing falls back to the data dir's SQLite
 * file (which would keep state to one collector: an upload exception made through another collector would never
 * reach this one's agents): `createPostgresRepositories` must build every repository, and a repository added on
 * SQLite only fails the typecheck here rather than silently staying local. Rows an older version kept in that file
 * are moved into PostgreSQL once by openCollectorStore (postgres/local-rows-move.ts).
 */
export class PostgresCollectorStore extends PostgresStore {
  readonly #repos: Repositories;

  constructor(pool: ConstructorParameters<typeof PostgresStore>[0]) {
    super(pool);
    this.#repos = createPostgresRepositories(pool);
  }

  /** No local SQLite file is opened on PostgreSQL (see CollectorStore). */
  get db(): Database.Database {
    throw new Error('a PostgreSQL collector opens no local SQLite file: use store.repos (or the pool)');
  }

  /** Starts a LISTEN connection of its own for changes committed by any process on the database. */
  async listenForChanges(onError: (error: Error) => void): Promise<ChangeFeed> {
    const listener = new PostgresChangeListener({ connection: this.pool.options, onError });
    await listener.start();
    return listener;
  }

  /** Seeks the projection leadership on a connection of its own (see PostgresProjectionLock). */
  async seekProjectionLeadership(onError: (error: Error) => void, retryMs?: number): Promise<ProjectionLeadership> {
    const lock = new PostgresProjectionLock({ connection: this.pool.options, onError, ...(retryMs ? { retryMs } : {}) });
    await lock.start();
    return lock;
  }

  get repos(): Repositories {
    return this.#repos;
  }
}

/** Where the store lives, as the collector config says it (config/database.ts); a plain shape so store/ imports no config/. */
export interface StoreLocation {
  dataDir: string;
  database: { postgres?: { url: string; maxConnections: number } };
}

/** Opens the configured store: SQLite in the data dir (default), or PostgreSQL when `database.postgres` is set. */
export async function openCollectorStore(config: StoreLocation, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<CollectorStore> {
  const postgres = config.database.postgres;
  if (!postgres) return new SqliteStore(databasePath(config.dataDir));
  let pool;
  try {
    pool = await PostgresStore.connect({ url: postgres.url, maxConnections: postgres.maxConnections });
  } catch (error) {
    throw new CollectorError('COLLECTOR_DATABASE_UNREACHABLE', `${redactDatabaseUrl(postgres.url)}: ${(error as Error).message || (error as { code?: string }).code}`, { cause: error });
  }
  try {
    const moved = await moveLocalRows(pool, databasePath(config.dataDir));
    if (moved) log(describeMove(moved));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresCollectorStore(pool);
}

/** One log line for an upgrade's move of local rows into PostgreSQL. */
function describeMove(moved: LocalRowsMoved): string {
  const { read, inserted } = moved;
  const counts = `upload exceptions ${inserted.uploadExceptions} of ${read.uploadExceptions}, risk digest subscriptions ${inserted.digestSubscriptions} `
    + `of ${read.digestSubscriptions}, risk digest days ${inserted.digestRuns} of ${read.digestRuns} (the rest were there already)`;
  const marker = moved.marker ? `; ${moved.marker} marks it done` : `; could not write the marker (${moved.markerError}): the next start checks the file again`;
  return `mamori-collector: moved the rows an older version kept in ${moved.from} into PostgreSQL: ${counts}${marker}`;
}

/**
 * Changes committed on the database by any process, heard as they commit: PostgreSQL LISTEN/NOTIFY, or on SQLite
 * (whose only other writers are processes on this host, such as the CLI) the signal files of sqlite/change-signals.ts.
 */
export async function listenForChanges(store: CollectorStore, onError: (error: Error) => void): Promise<ChangeFeed | undefined> {
  if (store instanceof PostgresCollectorStore) return store.listenForChanges(onError);
  return store instanceof SqliteStore ? store.listenForChanges(onError) : undefined;
}

/** The projection leadership among the collectors sharing a PostgreSQL database; undefined on SQLite (one collector). */
export async function seekProjectionLeadership(store: CollectorStore, onError: (error: Error) => void): Promise<ProjectionLeadership | undefined> {
  return store instanceof PostgresCollectorStore ? store.seekProjectionLeadership(onError) : undefined;
}

/**
 * Refuses a collector whose CA is not the one of the collectors already sharing its PostgreSQL database: agents pin
 * the CA they enrolled with, so such a collector would turn every agent of the deployment away at fail-over. The
 * first collector to start records its CA. On SQLite the database is the data dir's own: nothing to compare.
 */
export async function checkDeploymentCa(store: CollectorStore, caFingerprint: string, nowMs: number): Promise<void> {
  if (!(store instanceof PostgresCollectorStore)) return;
  const recorded = await recordDeploymentCa(store.pool, caFingerprint, nowMs);
  if (recorded !== caFingerprint) {
    throw new CollectorError('COLLECTOR_CA_MISMATCH', `this data dir's CA is ${caFingerprint}, the database's is ${recorded}: copy ca.crt, ca.key, `
      + "server.crt and server.key from a collector of this deployment into this data dir (or point it at the deployment's own database)");
  }
}

/**
 * Refuses a collector whose evidence-signing key is not the one of the collectors already sharing its PostgreSQL
 * database: an auditor pins one collector key, and exports and segment anchors signed by another node's key would
 * fail against it. The first collector to start records its key's fingerprint. On SQLite: nothing to compare.
 */
export async function checkDeploymentEvidenceKey(store: CollectorStore, fingerprint: string, nowMs: number): Promise<void> {
  if (!(store instanceof PostgresCollectorStore)) return;
  const recorded = await recordDeploymentEvidenceKey(store.pool, fingerprint, nowMs);
  if (recorded !== fingerprint) {
    throw new CollectorError('COLLECTOR_EVIDENCE_KEY_MISMATCH', `this data dir's evidence key is ${fingerprint}, the database's is ${recorded}: `
      + 'copy evidence-signing.key from a collector of this deployment into this data dir (or point it at the deployment\'s own database)');
  }
}
