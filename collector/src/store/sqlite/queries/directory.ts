import type Database from 'better-sqlite3';

/** Where a PC sits in the organisation, from the directory import. */
export interface DirectoryEntry {
  pc: string;
  department: string;
  site: string;
}

/** Replaces the whole directory with an import, in one transaction (a failed import leaves the previous one). */
export function replaceDirectory(db: Database.Database, entries: DirectoryEntry[], nowMs: number): void {
  const insert = db.prepare('INSERT INTO pc_directory (pc, department, site, imported_ms) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM pc_directory').run();
    for (const entry of entries) insert.run(entry.pc, entry.department, entry.site, nowMs);
  }).immediate();
}

/** Every directory entry by PC name. */
export function directoryByPc(db: Database.Database): Map<string, DirectoryEntry> {
  const rows = db.prepare('SELECT pc, department, site FROM pc_directory').all() as DirectoryEntry[];
  return new Map(rows.map((row) => [row.pc, row]));
}

/** When the directory was last imported and how many PCs it names. */
export function directoryStatus(db: Database.Database): { count: number; importedMs: number | null } {
  return db.prepare('SELECT COUNT(*) AS count, MAX(imported_ms) AS importedMs FROM pc_directory').get() as { count: number; importedMs: number | null };
}
