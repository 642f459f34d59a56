import type Database from 'better-sqlite3';
import type { DirectoryEntry, DirectoryRepository } from '../../repositories/directory.ts';

export class SqliteDirectoryRepository implements DirectoryRepository {
  constructor(private readonly db: Database.Database) {}

  async replace(entries: DirectoryEntry[], nowMs: number): Promise<void> {
    const insert = this.db.prepare('INSERT INTO pc_directory (pc, department, site, imported_ms) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM pc_directory').run();
      for (const entry of entries) insert.run(entry.pc, entry.department, entry.site, nowMs);
    }).immediate();
  }

  async byPc(): Promise<Map<string, DirectoryEntry>> {
    const rows = this.db.prepare('SELECT pc, department, site FROM pc_directory').all() as DirectoryEntry[];
    return new Map(rows.map((row) => [row.pc, row]));
  }

  async choices(): Promise<{ departments: string[]; sites: string[] }> {
    const distinct = (column: 'department' | 'site') => (this.db.prepare(`SELECT DISTINCT ${column} AS v FROM pc_directory WHERE ${column} != '' ORDER BY ${column}`)
      .all() as { v: string }[]).map((r) => r.v);
    return { departments: distinct('department'), sites: distinct('site') };
  }

  async status(): Promise<{ count: number; importedMs: number | null }> {
    return this.db.prepare('SELECT COUNT(*) AS count, MAX(imported_ms) AS importedMs FROM pc_directory').get() as { count: number; importedMs: number | null };
  }
}
