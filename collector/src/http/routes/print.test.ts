import Fastify from 'fastify';
import { headerRoleGuard } from './route-test-support.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { printEvent, storeWith } from '../../store/sqlite/queries/print-test-support.ts';
import { printRoutes } from './print.ts';

async function appWith(store: SqliteStore) {
  const app = Fastify();
  const seen: string[] = [];
  printRoutes(app, {
    repos: store.repos,
    requireRole: headerRoleGuard(seen),
  });
  await app.ready();
  return { app, seen };
}

describe('/api/print', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('searches jobs for auditors and refuses anonymous callers', async () => {
    store = await storeWith([printEvent(1, { documentName: 'customers.csv', pages: 60 }), printEvent(2, { documentName: 'lunch menu' })]);
    const { app, seen } = await appWith(store);
    const denied = await app.inject({ url: '/api/print/jobs' });
    expect(denied.statusCode).toBe(401);
    const ok = await app.inject({ url: '/api/print/jobs?q=customers&minPages=10', headers: { 'x-test-role': 'auditor' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().jobs).toMatchObject([{ documentName: 'customers.csv', pages: 60 }]);
    expect(seen.every((role) => role === 'auditor')).toBe(true);
  });

  it('answers 400 with a reason for bad parameters', async () => {
    store = await storeWith([printEvent(1, {})]);
    const { app } = await appWith(store);
    const bad = await app.inject({ url: '/api/print/jobs?limit=0&action=shred', headers: { 'x-test-role': 'auditor' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID' });
    expect(bad.json().message).toMatch(/limit/);
    expect((await app.inject({ url: '/api/print/totals?from=x', headers: { 'x-test-role': 'auditor' } })).statusCode).toBe(400);
  });

  it('returns per-user totals for a time range', async () => {
    store = await storeWith([printEvent(1, { pages: 5 }), printEvent(2, { pages: 7, jobUser: 'suzuki' })]);
    const { app } = await appWith(store);
    const res = await app.inject({ url: `/api/print/totals?from=0&to=${Date.UTC(2030, 0, 1)}`, headers: { 'x-test-role': 'auditor' } });
    expect(res.json().totals.map((t: { jobUser: string; pages: number }) => [t.jobUser, t.pages])).toEqual([['suzuki', 7], ['tanaka', 5]]);
  });
});
