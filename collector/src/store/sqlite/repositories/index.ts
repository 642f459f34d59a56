import type Database from 'better-sqlite3';
import type { Repositories } from '../../repositories/index.ts';
import { SqliteRiskRepository } from './risk.ts';

/** The SQLite implementation of every repository, on one database handle. */
export function createSqliteRepositories(db: Database.Database): Repositories {
  return {
    risk: new SqliteRiskRepository(db),
  };
}
