import type pg from 'pg';
import { PostgresStore } from '../postgres/postgres-store.ts';
import { PostgresAuditRepository } from '../postgres/repositories/audit.ts';
import type { AuditRepository } from '../repositories/audit.ts';
import type { Store } from '../store.ts';

export { copySqliteStoreToPostgres, type CopyOptions, type CopyReport, type TableCount } from './copy-store.ts';
export { copiedTables, localTables } from './table-plan.ts';

/** The migrated PostgreSQL database as the collector would read it: its evidence store and its audit chain. */
export interface MigratedStore {
  store: Store;
  audit: AuditRepository;
  close(): Promise<void>;
}

/** Opens a migrated database to check it (chains, audit) through the same code a collector on it would run. */
export async function openMigratedStore(url: string): Promise<MigratedStore> {
  const pool: pg.Pool = await PostgresStore.connect({ url, maxConnections: 2 });
  const store = new PostgresStore(pool);
  return { store, audit: new PostgresAuditRepository(pool), close: () => store.close() };
}
