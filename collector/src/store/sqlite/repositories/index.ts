import type Database from 'better-sqlite3';
import type { Repositories } from '../../repositories/index.ts';
import { SqliteAuditRepository } from './audit.ts';
import { SqliteDirectoryRepository } from './directory.ts';
import { SqlitePoliciesRepository } from './policies.ts';
import { SqliteSavedAlertFiltersRepository } from './saved-alert-filters.ts';

/** Every repository over one SQLite database (the handle stays inside `store/`). */
export function createSqliteRepositories(db: Database.Database): Repositories {
  return {
    audit: new SqliteAuditRepository(db),
    directory: new SqliteDirectoryRepository(db),
    policies: new SqlitePoliciesRepository(db),
    savedAlertFilters: new SqliteSavedAlertFiltersRepository(db),
  };
}
