import type Database from 'better-sqlite3';
import { databasePath } from '../data-dir.ts';
import { CollectorError } from '../errors.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { redactDatabaseUrl } from './postgres/redact-url.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';
import type { Repositories } from './repositories/index.ts';

/**
 * The store the collector runs on (evidence, agents, users, policy versions) and the feature repositories (alerts,
 * outbox, query tables, reports, SIEM cursors…). On SQLite both are the same file. On PostgreSQL the repositories
 * have no PostgreSQL implementation yet: they run on the data dir's SQLite file, local to this collector. `db` is
 * that SQLite handle, for tests only (nothing outside store/ takes it).
 */
export type CollectorStore = Store & { readonly repos: Repositories; readonly db: Database.Database };

/** The evidence store on PostgreSQL, with the data dir's SQLite file for the modules that still need a raw handle. */
export class PostgresStoreWithLocalTables extends PostgresStore {
  readonly #local: SqliteStore;

  constructor(pool: ConstructorParameters<typeof PostgresStore>[0], local: SqliteStore) {
    super(pool);
    this.#local = local;
  }

  get db(): Database.Database {
    return this.#local.db;
  }

  get repos(): Repositories {
    return this.#local.repos;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#local.close();
  }
}

/** Opens the configured store: SQLite in the data dir (default), or PostgreSQL when `database.postgres` is set. */
/** Where the store lives, as the collector config says it (config/database.ts); a plain shape so store/ imports no config/. */
export interface StoreLocation {
  dataDir: string;
  database: { postgres?: { url: string; maxConnections: number } };
}

export async function openCollectorStore(config: StoreLocation): Promise<CollectorStore> {
  const postgres = config.database.postgres;
  if (!postgres) return new SqliteStore(databasePath(config.dataDir));
  let pool;
  try {
    pool = await PostgresStore.connect({ url: postgres.url, maxConnections: postgres.maxConnections });
  } catch (error) {
    throw new CollectorError('COLLECTOR_DATABASE_UNREACHABLE', `${redactDatabaseUrl(postgres.url)}: ${(error as Error).message || (error as { code?: string }).code}`, { cause: error });
  }
  return new PostgresStoreWithLocalTables(pool, new SqliteStore(databasePath(config.dataDir)));
}
