import Database from 'better-sqlite3';
import type { ReportsRepository } from '../repositories/reports.ts';
import { SqliteReportsRepository } from './repositories/reports.ts';

/**
 * The report queries over a second, read-only connection to the store's file, for a report built on another
 * thread: WAL lets it read while the collector's own connection writes. Close it when the report is built.
 */
export function openReadOnlyReports(path: string): { reports: ReportsRepository; close(): void } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return { reports: new SqliteReportsRepository(db), close: () => db.close() };
}
