import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { openCollectorStore, PostgresCollectorStore } from './open-store.ts';
import pg from 'pg';
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
    expect(store).toBeInstanceOf(PostgresCollectorStore);
    const pg = store as PostgresCollectorStore;
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
    // Nothing local was opened, so there is not even a file.
    expect(existsSync(join(dataDir, 'collector.db'))).toBe(false);
  });

  it('moves the rows an older version kept in the local file into PostgreSQL once, in one transaction, then leaves the file alone', async () => {
    const url = await server.createDatabase('local_rows');
    const dataDir = mkdtempSync(join(tmpdir(), 'mamori-open-store-'));
    dirs.push(dataDir);
    // The data dir of a PostgreSQL collector before issue 14: upload exceptions and the risk digest in collector.db.
    const file = join(dataDir, 'collector.db');
    const old = new SqliteStore(file);
    await old.repos.uploadExceptions.create({ id: 'ux-a', pc: 'PC-1', user: null, category: 'personal_storage', domain: null, untilMs: 10_000, reason: 'r', createdBy: 'admin', createdMs: 5 });
    await old.repos.uploadExceptions.create({ id: 'ux-b', pc: 'PC-1', user: 'sato', category: null, domain: 'files.example.jp', untilMs: 20_000, reason: 'r2', createdBy: 'admin', createdMs: 6 });
    await old.repos.uploadExceptions.revoke('ux-b', 'admin', 7);
    await old.repos.uploadExceptions.create({ id: 'ux-c', pc: 'PC-2', user: null, category: 'webmail', domain: null, untilMs: 30_000, reason: 'r3', createdBy: 'admin', createdMs: 8 });
    await old.repos.riskDigest.subscribe({ email: 'Bucho@example.co.jp', department: '', createdBy: 'admin', createdMs: 9 });
    await old.close();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const location = { dataDir, database: { postgres: { url, maxConnections: 4 } } };
      // One thing fails inside the move: nothing is moved, the start fails, and the next start moves everything.
      await (await openCollectorStore(location, () => undefined)).close(); // creates the schema (the file is moved, marked)
      rmSync(`${file}.rows-moved-to-postgresql`);
      await db.query('TRUNCATE upload_exceptions, upload_exception_changes, risk_digest_subscriptions, risk_digest_runs');
      await db.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON risk_digest_subscriptions FOR EACH ROW EXECUTE FUNCTION refuse()`);
      await expect(openCollectorStore(location, () => undefined)).rejects.toThrow(/refused/);
      const count = async (table: string) => Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
      expect(await count('upload_exceptions')).toBe(0);
      expect(existsSync(`${file}.rows-moved-to-postgresql`)).toBe(false);
      await db.query('DROP TRIGGER refuse ON risk_digest_subscriptions');

      const lines: string[] = [];
      const store = await openCollectorStore(location, (line) => lines.push(line));
      try {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`moved the rows an older version kept in ${file} into PostgreSQL: upload exceptions 3 of 3, risk digest subscriptions 1 of 1`);
        expect(await store.repos.uploadExceptions.find('ux-a')).toMatchObject({ pc: 'PC-1', category: 'personal_storage', untilMs: 10_000 });
        expect(await store.repos.uploadExceptions.find('ux-b')).toMatchObject({ user: 'sato', domain: 'files.example.jp', revokedMs: 7, revokedBy: 'admin' });
        expect(await store.repos.riskDigest.list()).toMatchObject([{ email: 'Bucho@example.co.jp', department: '' }]);
        // One change row per PC, so every collector's pusher sends those PCs their policy.
        expect((await store.repos.uploadExceptions.changesAfter(0)).pcs.sort()).toEqual(['PC-1', 'PC-2']);
      } finally {
        await store.close();
      }
      expect(JSON.parse(readFileSync(`${file}.rows-moved-to-postgresql`, 'utf8'))).toMatchObject({ inserted: { uploadExceptions: 3, digestSubscriptions: 1 } });
      // Marked done: later starts do not open the file (a row added there now stays there).
      const later = new SqliteStore(file);
      await later.repos.uploadExceptions.create({ id: 'ux-late', pc: 'PC-3', user: null, category: 'webmail', domain: null, untilMs: 1, reason: 'r', createdBy: 'a', createdMs: 10 });
      await later.close();
      const again: string[] = [];
      await (await openCollectorStore(location, (line) => again.push(line))).close();
      expect(again).toEqual([]);
      expect(await count('upload_exceptions')).toBe(3);
      // Without the marker (a crash between commit and marker, or a copy of the data dir): only what is missing goes in.
      rmSync(`${file}.rows-moved-to-postgresql`);
      await (await openCollectorStore(location, (line) => again.push(line))).close();
      expect(again[0]).toContain('upload exceptions 1 of 4, risk digest subscriptions 0 of 1');
      expect(await count('upload_exceptions')).toBe(4);
      expect(await count('risk_digest_subscriptions')).toBe(1);
      // A file that is not SQLite fails the start in one line naming it; nothing is moved.
      rmSync(`${file}.rows-moved-to-postgresql`);
      rmSync(file);
      writeFileSync(file, 'not a database');
      await expect(openCollectorStore(location, () => undefined)).rejects.toThrow(`cannot read the SQLite store to migrate: ${file} (an older version's upload exceptions`);
      expect(existsSync(`${file}.rows-moved-to-postgresql`)).toBe(false);
    } finally {
      await db.end();
    }
  });
});
