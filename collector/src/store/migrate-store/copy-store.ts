import { PostgresTarget, type InsertColumn, type TargetColumn } from './postgres-target.ts';
import { SqliteSource } from './sqlite-source.ts';
import { copiedTables, localTables, planFor, renamedColumns, type TableCopy } from './table-plan.ts';
import { CollectorError } from '../../errors.ts';

export interface CopyOptions {
  /** The SQLite file (a data dir's collector.db). */
  sqlitePath: string;
  /** postgres:// URL of an EMPTY database (it is migrated to the current schema first). */
  postgresUrl: string;
  /** Rows per INSERT (default 2,000). */
  batchRows?: number;
  /** Called after each batch and at the end of each table. */
  onProgress?: (progress: { table: string; copied: number; total: number }) => void;
}

/** Rows of one table: in the SQLite snapshot, and in PostgreSQL after the copy committed. */
export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  tables: TableCount[];
  /** Tables left in the SQLite file, with their row counts and why (table-plan.ts). */
  local: { table: string; rows: number; why: string }[];
  /** Events SQLite had projected into its query tables; PostgreSQL's projector resumes after them. */
  projectedThrough: number;
  events: number;
}

/**
 * Copies a SQLite store into an empty PostgreSQL database, table by table in batches, in one PostgreSQL transaction
 * (all or nothing), then counts both sides. Refuses, before writing anything, a target that holds data and a
 * SQLite table or column the plan does not place (table-plan.ts).
 */
export async function copySqliteStoreToPostgres(options: CopyOptions): Promise<CopyReport> {
  const batchRows = options.batchRows ?? 2_000;
  const source = new SqliteSource(options.sqlitePath);
  let target: PostgresTarget | undefined;
  try {
    checkEveryTablePlaced(source.tables());
    target = await PostgresTarget.open(options.postgresUrl);
    const targetColumns = await target.columns();
    const plans = copiedTables.map((plan) => ({ plan, columns: columnPlan(plan, source.columns(plan.table), targetColumns.get(plan.table)) }));
    const occupied = await target.nonEmpty(copiedTables.map((t) => t.table));
    if (occupied.length > 0) {
      throw new CollectorError('COLLECTOR_MIGRATE_TARGET_NOT_EMPTY',
        `${occupied.slice(0, 4).map((t) => `${t.table}: ${t.rows} rows`).join(', ')}${occupied.length > 4 ? ', …' : ''}; `
        + 'create a new database (CREATE DATABASE …) and pass its URL with --to');
    }
    const sourceCounts = new Map(copiedTables.map((t) => [t.table, source.count(t.table)]));
    const received = source.receivedRange();
    if (received) await target.preparePartitions(received.fromMs, received.toMs);
    const projectedThrough = source.projectedThrough();

    await target.begin();
    for (const { plan, columns } of plans) {
      const total = sourceCounts.get(plan.table)!;
      let copied = 0;
      for (const rows of source.batches(plan.table, batchRows)) {
        await target.insert(plan.table, columns, rows);
        copied += rows.length;
        options.onProgress?.({ table: plan.table, copied, total });
      }
      if (copied === 0) options.onProgress?.({ table: plan.table, copied, total });
    }
    await target.carryProjection(projectedThrough);
    await target.carrySiemCursors();
    await target.advanceSequences(copiedTables.map((t) => t.table));
    await target.commit();

    const tables: TableCount[] = [];
    for (const { table } of copiedTables) tables.push({ table, source: sourceCounts.get(table)!, target: await target.count(table) });
    const local = Object.entries(localTables).filter(([table]) => source.tables().includes(table))
      .map(([table, why]) => ({ table, rows: source.count(table), why }));
    return { tables, local, projectedThrough, events: sourceCounts.get('events') ?? 0 };
  } finally {
    await target?.close();
    await source.close();
  }
}

/** Which SQLite column (or derivation) fills each PostgreSQL column; refuses a SQLite column that would be lost. */
function columnPlan(plan: TableCopy, sourceColumns: string[], targetColumns: TargetColumn[] | undefined): InsertColumn[] {
  if (!targetColumns) throw new CollectorError('COLLECTOR_MIGRATE_PLAN', `table ${plan.table} is listed as copied but PostgreSQL has no such table`);
  if (sourceColumns.length === 0) throw new CollectorError('COLLECTOR_MIGRATE_PLAN', `table ${plan.table} is listed as copied but the SQLite store has no such table`);
  const targetNames = new Set(targetColumns.map((c) => c.name));
  const targetName = (source: string) => (targetNames.has(source) ? source : renamedColumns[source] ?? source);
  const lost = sourceColumns.filter((c) => !targetNames.has(targetName(c)) && !(plan.sourceOnly && c in plan.sourceOnly));
  if (lost.length > 0) {
    throw new CollectorError('COLLECTOR_MIGRATE_PLAN',
      `SQLite column ${lost.map((c) => `${plan.table}.${c}`).join(', ')} has no PostgreSQL column: nothing copies it (store/migrate-store/table-plan.ts)`);
  }
  const bySource = new Map(sourceColumns.map((c) => [targetName(c), c]));
  return targetColumns.flatMap((column): InsertColumn[] => {
    const derive = plan.derived?.[column.name];
    if (derive) return [{ ...column, value: derive }];
    const sourceName = bySource.get(column.name);
    // A PostgreSQL-only column (tx, device_exceptions.row_id…) takes its default.
    return sourceName === undefined ? [] : [{ ...column, value: (row) => row[sourceName] }];
  });
}

function checkEveryTablePlaced(tables: string[]): void {
  const unplaced = tables.filter((table) => planFor(table) === undefined);
  if (unplaced.length > 0) {
    throw new CollectorError('COLLECTOR_MIGRATE_PLAN',
      `SQLite table ${unplaced.join(', ')} is neither copied nor known to stay local: nothing copies it (store/migrate-store/table-plan.ts)`);
  }
}
