import type Database from 'better-sqlite3';
import { SqliteStore } from '../sqlite/sqlite-store.ts';
import type { SourceRow } from './table-plan.ts';

/**
 * The SQLite store being migrated, read inside one read transaction: every table and count comes from the same
 * snapshot (WAL keeps it stable even if a collector still writes, though its later writes are not copied).
 * Opening migrates the file to the current schema first, as a collector starting on it would.
 */
export class SqliteSource {
  readonly #store: SqliteStore;
  readonly #db: Database.Database;

  constructor(path: string) {
    this.#store = new SqliteStore(path);
    this.#db = this.#store.db;
    this.#db.exec('BEGIN');
  }

  /** Every table of the file (shadow tables of the full-text indexes too). */
  tables(): string[] {
    return (this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  }

  columns(table: string): string[] {
    return (this.#db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
  }

  count(table: string): number {
    return (this.#db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
  }

  /** The last event id the SQLite projector filled the query tables for (0: none). */
  projectedThrough(): number {
    const row = this.#db.prepare("SELECT CAST(value AS INTEGER) AS id FROM meta WHERE key = 'projected_through'").get() as { id: number } | undefined;
    return row?.id ?? 0;
  }

  /** The first and last time the collector received an event (undefined: no events). */
  receivedRange(): { fromMs: number; toMs: number } | undefined {
    const row = this.#db.prepare('SELECT MIN(received_ms) AS fromMs, MAX(received_ms) AS toMs FROM events').get() as { fromMs: number | null; toMs: number | null };
    return row.fromMs === null || row.toMs === null ? undefined : { fromMs: row.fromMs, toMs: row.toMs };
  }

  /**
   * The table's rows in batches, in insertion order (rowid; key order for a WITHOUT ROWID table), so PostgreSQL's
   * serial columns that SQLite lacks (device_exceptions.row_id) number them as SQLite ordered them.
   */
  *batches(table: string, rows: number): Generator<SourceRow[]> {
    const withoutRowid = /WITHOUT\s+ROWID/i.test(
      (this.#db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql,
    );
    const statement = this.#db.prepare(`SELECT * FROM "${table}"${withoutRowid ? '' : ' ORDER BY rowid'}`);
    let batch: SourceRow[] = [];
    for (const row of statement.iterate() as IterableIterator<SourceRow>) {
      batch.push(row);
      if (batch.length >= rows) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async close(): Promise<void> {
    this.#db.exec('COMMIT');
    await this.#store.close();
  }
}
