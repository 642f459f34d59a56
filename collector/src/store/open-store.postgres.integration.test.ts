import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { openCollectorStore, PostgresStoreWithLocalTables } from './open-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';

// The collector's store when configured for PostgreSQL: every repository runs there, none in the data dir's file.
const available = ensurePostgres();

describe.skipIf(!available)('openCollectorStore on PostgreSQL', () => {
  let server: PostgresServer;
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('puts every repository in PostgreSQL (shared), nothing in the local file', async () => {
    const url = await server.createDatabase('open_store');
    const dataDir = mkdtempSync(join(tmpdir(), 'mamori-open-store-'));
    dirs.push(dataDir);
    const store = await openCollectorStore({ dataDir, database: { postgres: { url, maxConnections: 4 } } });
    expect(store).toBeInstanceOf(PostgresStoreWithLocalTables);
    const pg = store as PostgresStoreWithLocalTables;
    try {
      await store.repos.alerts.record([{
        ruleId: 'r', ruleName: 'R', kind: 'print_job', severity: 'high', color: '#f00', pc: 'PC-1', user: 'tanaka', agentId: 'a', title: 't',
        firstMs: 1, lastMs: 1, count: 1, eventIds: [], foldWindowMs: 60_000,
      }], 1);
      await store.repos.savedAlertFilters.save('admin', 'mine', { pc: 'PC-1' }, 1);
      await store.repos.directory.replace([{ pc: 'PC-1', department: '経理部', site: 'tokyo' }], 2);
      await store.repos.settings.put('retention', { days: 30 }, 'admin', 3);
      await store.repos.risk.replaceDeparting([{ user: 'sato', noticeDay: 20_000, lastDay: 20_030 }], 4);
      await store.repos.uploadExceptions.create({
        id: 'ux-1', pc: 'PC-1', user: null, category: 'personal_storage', domain: null, untilMs: 10_000, reason: 'r', createdBy: 'admin', createdMs: 5,
      });
      await store.repos.riskDigest.subscribe({ email: 'bucho@example.co.jp', department: '', createdBy: 'admin', createdMs: 6 });
      const shared = async (sql: string) => Number((await pg.pool.query<{ n: number }>(sql)).rows[0]!.n);
      expect(await shared('SELECT COUNT(*) AS n FROM alerts')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM saved_alert_filters')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM pc_directory')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM collector_settings')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM risk_departing')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM upload_exceptions')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM upload_exception_changes')).toBe(1);
      expect(await shared('SELECT COUNT(*) AS n FROM risk_digest_subscriptions')).toBe(1);
      expect((await store.repos.alerts.list({ limit: 1 }))[0]).toMatchObject({ department: '経理部', site: 'tokyo' });
    } finally {
      await store.close();
    }
    // The local file holds none of it: not even the directory copy (no repository there joins it any more).
    const local = new SqliteStore(join(dataDir, 'collector.db'));
    try {
      expect(await local.repos.alerts.count({})).toBe(0);
      expect(await local.repos.savedAlertFilters.list('admin')).toEqual([]);
      expect((await local.repos.directory.status()).count).toBe(0);
      expect(await local.repos.settings.all()).toEqual([]);
      expect(await local.repos.risk.listDeparting()).toEqual([]);
      expect(await local.repos.uploadExceptions.find('ux-1')).toBeUndefined();
      expect(await local.repos.uploadExceptions.changesAfter(0)).toEqual({ cursor: 0, pcs: [] });
      expect(await local.repos.riskDigest.list()).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
