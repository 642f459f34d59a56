import type Database from 'better-sqlite3';
import type { ImportInput, ImportResult, LogImportRecord, LogImportsRepository } from '../../repositories/log-imports.ts';
import { listLogImports, storeImportedRows } from '../queries/log-imports.ts';

export class SqliteLogImportsRepository implements LogImportsRepository {
  constructor(private readonly db: Database.Database) {}
  async store(input: ImportInput): Promise<ImportResult> { return storeImportedRows(this.db, input); }
  async list(limit: number): Promise<LogImportRecord[]> { return listLogImports(this.db, limit); }
}
