import type { MonthlyRetentionRepository, RetentionRepository } from './repositories/retention.ts';
import { PostgresCollectorStore, type CollectorStore } from './open-store.ts';
import { PostgresRetentionRepository } from './postgres/repositories/retention.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import { SqliteRetentionRepository } from './sqlite/repositories/retention.ts';

/**
 * The retention repository of the configured store: agent by agent on SQLite, whole months (partition drops) on
 * PostgreSQL. Undefined for any other store.
 */
export function retentionRepositoryOf(store: CollectorStore): RetentionRepository | MonthlyRetentionRepository | undefined {
  if (store instanceof SqliteStore) return new SqliteRetentionRepository(store.db);
  if (store instanceof PostgresCollectorStore) return new PostgresRetentionRepository(store.pool);
  return undefined;
}
