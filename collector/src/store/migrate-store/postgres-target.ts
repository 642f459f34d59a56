import pg from 'pg';
import { CollectorError } from '../../errors.ts';
import { EventPartitions } from '../postgres/partitions.ts';
import { PostgresStore } from '../postgres/postgres-store.ts';
import { redactDatabaseUrl } from '../postgres/redact-url.ts';
import type { SourceRow } from './table-plan.ts';

/** A target column: its name and its type as a cast names it (`bigint`, `bytea`, `boolean`…). */
export interface TargetColumn {
  name: string;
  type: string;
}

/** A target column with what fills it from a SQLite row. */
export interface InsertColumn extends TargetColumn {
  value: (row: SourceRow) => unknown;
}

/**
 * The PostgreSQL database being filled: migrated to the current schema on open, written in ONE transaction (a run
 * that fails leaves the database as empty as it found it, so it can simply be run again), counted after commit.
 */
export class PostgresTarget {
  readonly #pool: pg.Pool;
  #client: pg.PoolClient | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects and applies the PostgreSQL migrations (the schema the collector would create). */
  static async open(url: string): Promise<PostgresTarget> {
    try {
      return new PostgresTarget(await PostgresStore.connect({ url, maxConnections: 2 }));
    } catch (error) {
      throw new CollectorError('COLLECTOR_DATABASE_UNREACHABLE', `${redactDatabaseUrl(url)}: ${(error as Error).message || (error as { code?: string }).code}`, { cause: error });
    }
  }

  /** The target's tables (partitions of events excluded) with their columns, in column order. */
  async columns(): Promise<Map<string, TargetColumn[]>> {
    const { rows } = await this.#pool.query<{ table: string; name: string; type: string }>(
      `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`);
    const tables = new Map<string, TargetColumn[]>();
    for (const row of rows) {
      const list = tables.get(row.table) ?? [];
      list.push({ name: row.name, type: row.type });
      tables.set(row.table, list);
    }
    return tables;
  }

  /** The given tables that already hold rows, with how many. */
  async nonEmpty(tables: string[]): Promise<{ table: string; rows: number }[]> {
    const found: { table: string; rows: number }[] = [];
    for (const table of tables) {
      const rows = await this.count(table);
      if (rows > 0) found.push({ table, rows });
    }
    return found;
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>(`SELECT COUNT(*)::text AS n FROM ${pg.escapeIdentifier(table)}`);
    return Number(rows[0]!.n);
  }

  /**
   * Creates the monthly event partitions from `fromMs` through `toMs` before the copy's transaction starts: creating
   * a partition locks the whole events table, which the copy's own inserts would be holding.
   */
  async preparePartitions(fromMs: number, toMs: number): Promise<void> {
    const partitions = new EventPartitions(this.#pool);
    for (let month = new Date(fromMs); month.getTime() <= toMs; month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))) {
      await partitions.ensure(month.getTime());
    }
    await partitions.ensure(toMs);
  }

  async begin(): Promise<void> {
    this.#client = await this.#pool.connect();
    await this.#client.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.#transaction().query('COMMIT');
    this.#client!.release();
    this.#client = undefined;
  }

  async rollback(): Promise<void> {
    if (!this.#client) return;
    await this.#client.query('ROLLBACK').catch(() => undefined);
    this.#client.release();
    this.#client = undefined;
  }

  /**
   * Inserts a batch in one statement: one typed array per column, unnested in row order (WITH ORDINALITY), so a
   * batch costs one round trip and serial columns SQLite lacks number the rows in SQLite's order.
   */
  async insert(table: string, columns: InsertColumn[], rows: SourceRow[]): Promise<void> {
    if (rows.length === 0) return;
    const arrays = columns.map((column) => rows.map((row) => toTargetValue(column.value(row), column.type)));
    const names = columns.map((c) => pg.escapeIdentifier(c.name)).join(', ');
    const casts = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const aliases = columns.map((_, i) => `c${i}`);
    await this.#transaction().query(
      `INSERT INTO ${pg.escapeIdentifier(table)} (${names})
       SELECT ${aliases.join(', ')} FROM unnest(${casts}) WITH ORDINALITY AS x (${aliases.join(', ')}, n) ORDER BY n`,
      arrays,
    );
  }

  /**
   * The projector's state for the copied events: the events SQLite had projected get their export positions in id
   * order (the order SQLite's SIEM export used) and the cursor stands after the last of them, so a collector on
   * PostgreSQL projects only what SQLite had not (its query rows were copied, its alerts already raised).
   */
  async carryProjection(projectedThrough: number): Promise<void> {
    if (projectedThrough === 0) return;
    const client = this.#transaction();
    await client.query(`INSERT INTO export_order (event_id, tx, received_ms)
      SELECT id, tx, received_ms FROM events WHERE id <= $1 ORDER BY id`, [projectedThrough]);
    // Every copied event carries this transaction's id: (this tx, last projected id) is exactly the position after it.
    await client.query('UPDATE projection_cursor SET tx = pg_current_xact_id(), event_id = $1', [projectedThrough]);
  }

  /** A SIEM sink's cursor moves from SQLite's last exported event id to that event's export position. */
  async carrySiemCursors(): Promise<void> {
    await this.#transaction().query(`UPDATE siem_cursors s SET position = COALESCE(
      (SELECT o.position FROM export_order o WHERE o.event_id <= s.position ORDER BY o.event_id DESC LIMIT 1), 0)`);
  }

  /** Moves every serial sequence of the given tables past the largest copied key, so new rows get new keys. */
  async advanceSequences(tables: string[]): Promise<void> {
    const client = this.#transaction();
    const { rows } = await client.query<{ table: string; column: string; default: string }>(
      `SELECT c.relname AS table, a.attname AS column, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum JOIN pg_class c ON c.oid = d.adrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND NOT c.relispartition AND c.relname = ANY($1) AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'`,
      [[...tables, 'export_order']]);
    for (const row of rows) {
      const sequence = /^nextval\('([^']+)'/.exec(row.default)?.[1];
      if (!sequence) continue;
      const column = pg.escapeIdentifier(row.column);
      // is_called false when the table is empty: the next key is then 1, as on a fresh database.
      await client.query(`SELECT setval($1::regclass, COALESCE(MAX(${column}), 1), MAX(${column}) IS NOT NULL) FROM ${pg.escapeIdentifier(row.table)}`, [sequence]);
    }
  }

  /** The pool the copied store can be read through (chain verification). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  async close(): Promise<void> {
    await this.rollback();
    await this.#pool.end();
  }

  #transaction(): pg.PoolClient {
    if (!this.#client) throw new Error('no copy transaction open');
    return this.#client;
  }
}

/** SQLite is dynamically typed: a value is made what the PostgreSQL column holds (0/1 → boolean, text → bytea…). */
function toTargetValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return typeof value === 'boolean' ? value : Number(value) !== 0;
  if (type === 'bytea') return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  if (type === 'text') return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
