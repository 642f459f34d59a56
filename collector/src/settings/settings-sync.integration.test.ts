import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import type { Language } from '../i18n/language.ts';
import { SwitchableMailTransport } from '../notify/switchable-transport.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import { PostgresChangeListener } from '../store/postgres/change-listener.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { createPostgresRepositories } from '../store/postgres/repositories/index.ts';
import type { SettingsRepository } from '../store/repositories/settings.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { SettingsSecrets } from './settings-secrets.ts';
import { SettingsService, SettingsUpdateSchema } from './settings-service.ts';

// Console settings are shared by every collector on a database. An admin changing the alert SMTP server through
// collector A's console must change where collector B sends alert mail too, without restarting B: B hears the
// change (PostgreSQL NOTIFY from 0310-settings-notify.sql; on SQLite the signal file beside the database) and reloads.
const configSmtp = { host: '127.0.0.1', port: 25, secure: false, from: 'mamori@corp.example' };
/** The deployment's evidence-signing key, the same file on every collector. */
const evidenceKey = generateKeyPairSync('ed25519');

interface Collector { settings: SettingsService; transport: SwitchableMailTransport; readers: { languageOf?: (to: string) => Language; timeZone?: string } }

/** One collector's settings service, wired to the change feed as app.ts wires it. */
async function collector(store: Store, repo: SettingsRepository, feed: ChangeFeed): Promise<Collector> {
  const transport = new SwitchableMailTransport(configSmtp);
  const readers: Collector['readers'] = {};
  const settings = new SettingsService({
    repo, store, transport, configSmtp, configPublicUrl: undefined, secrets: new SettingsSecrets(evidenceKey),
    defaultPublicUrl: () => 'http://localhost:8443', onPublicUrl: () => undefined, now: Date.now,
    onReaders: (r) => Object.assign(readers, r),
  });
  await settings.load();
  feed.on('setting', () => void settings.load());
  return { settings, transport, readers };
}

async function changeThroughAReachesB(a: Collector, b: Collector): Promise<number> {
  expect(b.transport.settings.host).toBe('127.0.0.1');
  const started = performance.now();
  await a.settings.update(SettingsUpdateSchema.parse({
    smtp: { host: 'smtp.corp.example', port: 587, secure: false, from: 'alerts@corp.example', user: 'mamori', password: 's3cret' },
    timeZone: 'Asia/Tokyo', mailLanguage: { default: 'ja', recipients: {} },
  }), 'admin');
  // Three settings, three commits, three notifications: wait until B has read the last of them.
  await waitFor(() => b.transport.settings.host === 'smtp.corp.example' && b.readers.timeZone === 'Asia/Tokyo'
    && b.readers.languageOf?.('sato@corp.example') === 'ja', 10_000, 'the settings on collector B');
  const elapsedMs = performance.now() - started;
  expect(b.transport.settings).toMatchObject({ port: 587, from: 'alerts@corp.example', user: 'mamori', password: 's3cret' });
  expect((await b.settings.view()).smtp).toMatchObject({ host: 'smtp.corp.example', passwordSet: true, source: 'console' });
  return elapsedMs;
}

describe('settings changed through one collector apply on the others without a restart', () => {
  it('SQLite: a second handle on the file (the signal file wakes the running one)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mamori-settings-sync-')), 'collector.db');
    const running = new SqliteStore(path);
    const other = new SqliteStore(path);
    const feed = running.listenForChanges((error) => { throw error; });
    const quiet = other.listenForChanges((error) => { throw error; });
    try {
      const b = await collector(running, running.repos.settings, feed);
      const a = await collector(other, other.repos.settings, quiet);
      await changeThroughAReachesB(a, b);
    } finally {
      await feed.close();
      await quiet.close();
      await other.close();
      await running.close();
    }
  });

  const available = ensurePostgres();
  describe.skipIf(!available)('PostgreSQL: two collectors on one database', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('collector B takes up the SMTP server, time zone and mail language set through collector A, and prints how long it took', async () => {
      const url = await server.createDatabase('settings_sync');
      const storeA = await PostgresStore.open({ url });
      const storeB = await PostgresStore.open({ url });
      const errors: Error[] = [];
      const feedA = new PostgresChangeListener({ connection: { connectionString: url }, onError: (error) => errors.push(error) });
      const feedB = new PostgresChangeListener({ connection: { connectionString: url }, onError: (error) => errors.push(error) });
      await feedA.start();
      await feedB.start();
      try {
        const a = await collector(storeA, createPostgresRepositories(storeA.pool).settings, feedA);
        const b = await collector(storeB, createPostgresRepositories(storeB.pool).settings, feedB);
        const elapsedMs = await changeThroughAReachesB(a, b);
        process.stdout.write(`settings through collector A applied on collector B after ${elapsedMs.toFixed(0)} ms\n`);
        expect(errors).toEqual([]);
      } finally {
        await feedA.close();
        await feedB.close();
        await storeA.close();
        await storeB.close();
      }
    });
  });
});
