import type Database from 'better-sqlite3';
import type { ExtensionHealthRow, UploadRepository, UploadRow, UploadSearch } from '../../repositories/upload.ts';
import { extensionHealth, searchUploads } from '../queries/upload.ts';

export class SqliteUploadRepository implements UploadRepository {
  constructor(private readonly db: Database.Database) {}
  async search(search: UploadSearch): Promise<UploadRow[]> { return searchUploads(this.db, search); }
  async extensionHealth(options: { pc?: string; problemsOnly?: boolean } = {}): Promise<ExtensionHealthRow[]> { return extensionHealth(this.db, options); }
}
