import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../sqlite/sqlite-store.ts';
import { copiedTables, localTables, planFor } from './table-plan.ts';

describe('migrate-store table plan', () => {
  const store = new SqliteStore(':memory:');
  const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);

  it('places every table of the current SQLite schema: copied, kept local, or not data', () => {
    expect(tables.filter((table) => planFor(table) === undefined)).toEqual([]);
  });

  it('names only tables that exist in the SQLite schema, each in one list', () => {
    for (const { table } of copiedTables) expect(tables, table).toContain(table);
    for (const table of Object.keys(localTables)) {
      expect(tables, table).toContain(table);
      expect(copiedTables.some((t) => t.table === table), table).toBe(false);
    }
    expect(new Set(copiedTables.map((t) => t.table)).size).toBe(copiedTables.length);
  });
});
