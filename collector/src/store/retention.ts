import type { RetentionRepository } from './repositories/retention.ts';
import type { CollectorStore } from './open-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import { SqliteRetentionRepository } from './sqlite/repositories/retention.ts';

/**
 * The retention repository of the configured store, or undefined where retention is not implemented yet
 * (PostgreSQL: whole-month partition drops after an export of the month are still to be written).
 */
export function retentionRepositoryOf(store: CollectorStore): RetentionRepository | undefined {
  return store instanceof SqliteStore ? new SqliteRetentionRepository(store.db) : undefined;
}
