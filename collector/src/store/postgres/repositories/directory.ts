import type pg from 'pg';
import type { DirectoryEntry, DirectoryRepository } from '../../repositories/directory.ts';
import { inTransaction } from './transaction.ts';

export class PostgresDirectoryRepository implements DirectoryRepository {
  constructor(private readonly pool: pg.Pool) {}

  async replace(entries: DirectoryEntry[], nowMs: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM pc_directory');
      if (entries.length === 0) return;
      await client.query(`INSERT INTO pc_directory (pc, department, site, imported_ms)
        SELECT pc, department, site, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(pc, department, site)`,
      [entries.map((e) => e.pc), entries.map((e) => e.department), entries.map((e) => e.site), nowMs]);
    });
  }

  async byPc(): Promise<Map<string, DirectoryEntry>> {
    const { rows } = await this.pool.query<DirectoryEntry>('SELECT pc, department, site FROM pc_directory');
    return new Map(rows.map((row) => [row.pc, row]));
  }

  async choices(): Promise<{ departments: string[]; sites: string[] }> {
    const distinct = async (column: 'department' | 'site') => (await this.pool.query<{ v: string }>(
      `SELECT DISTINCT ${column} COLLATE "C" AS v FROM pc_directory WHERE ${column} != '' ORDER BY v`)).rows.map((r) => r.v);
    return { departments: await distinct('department'), sites: await distinct('site') };
  }

  async status(): Promise<{ count: number; importedMs: number | null }> {
    return (await this.pool.query<{ count: number; importedMs: number | null }>('SELECT COUNT(*) AS count, MAX(imported_ms) AS "importedMs" FROM pc_directory')).rows[0]!;
  }
}
