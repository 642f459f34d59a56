import Fastify from 'fastify';
import { headerRoleGuard } from './route-test-support.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { healthEvent, storeWith, uploadEvent } from '../../store/sqlite/queries/upload-test-support.ts';
import { uploadRoutes } from './upload.ts';

async function appWith(store: SqliteStore) {
  const app = Fastify();
  const seen: string[] = [];
  uploadRoutes(app, {
    repos: store.repos,
    requireRole: headerRoleGuard(seen),
  });
  await app.ready();
  return { app, seen };
}

describe('/api/upload', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('searches uploads for auditors and refuses anonymous callers', async () => {
    store = await storeWith([uploadEvent(1, { fileName: 'sales.csv' }), uploadEvent(2, { fileName: 'cat.png', category: 'social_media' })]);
    const { app, seen } = await appWith(store);
    expect((await app.inject({ url: '/api/upload/uploads' })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/api/upload/uploads?category=personal_cloud&q=sales', headers: { 'x-test-role': 'auditor' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().uploads).toMatchObject([{ fileName: 'sales.csv', category: 'personal_cloud', destinationHost: 'content.dropboxapi.com' }]);
    expect(seen.every((role) => role === 'auditor')).toBe(true);
  });

  it('answers 400 with a reason for bad parameters', async () => {
    store = await storeWith([uploadEvent(1, {})]);
    const { app } = await appWith(store);
    const bad = await app.inject({ url: '/api/upload/uploads?sha256=xyz&limit=0', headers: { 'x-test-role': 'auditor' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID' });
    expect((await app.inject({ url: '/api/upload/uploads?bogus=1', headers: { 'x-test-role': 'auditor' } })).statusCode).toBe(400);
  });

  it('lists extension health, and only the problems on request', async () => {
    store = await storeWith([healthEvent(1, { profile: 'p-1' }), healthEvent(2, { profile: 'p-2' }), healthEvent(3, { profile: 'p-2', alive: false })]);
    const { app } = await appWith(store);
    const res = await app.inject({ url: '/api/upload/extension-health?problems=true', headers: { 'x-test-role': 'auditor' } });
    expect(res.json().profiles).toMatchObject([{ pc: 'PC-SALES-03', browser: 'chrome', profile: 'p-2', installed: true, alive: false }]);
  });
});
