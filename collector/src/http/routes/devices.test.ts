import Fastify from 'fastify';
import { headerRoleGuard } from './route-test-support.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { day, storeWith } from '../../store/sqlite/queries/print-test-support.ts';
import { deviceRoutes } from './devices.ts';

const stick = { vendorId: '0781', productId: '5581', serial: 'SERIAL-1', vendor: 'SanDisk', product: 'Ultra', deviceClass: '00', interfaceClasses: ['08'], busPath: '1-2' };
const base = (seq: number, user = 'tanaka'): Event => ({ seq, timeMs: day + seq * 1000, agentId: 'agent-1', pc: 'PC-ACCT-07', user });
const sha = 'ab'.repeat(32);

const events: Event[] = [
  { ...base(1), device: { action: 'ATTACHED', device: stick } },
  { ...base(2), device: { action: 'BLOCKED', device: stick, rule: 'device.default', message: 'blocked' } },
  { ...base(3), policyDecision: { subject: 'device', decision: 'exception_applied', rule: 'device.exceptions.v1', untilMs: day + 3_600_000 } },
  { ...base(4), device: { action: 'ALLOWED', device: stick, rule: 'device.exceptions.v1' } },
  { ...base(5), device: { action: 'MOUNTED', device: stick, mountPoint: '/media/t/STICK', filesystem: 'vfat', sizeBytes: 8e9, label: 'STICK', blockDevice: '/dev/sdb1' } },
  { ...base(6), fileCopy: { destinationPath: '/media/t/STICK/citizens.csv', destinationKind: 'removable', destinationRoot: '/media/t/STICK', sizeBytes: 1200, sha256: sha.toUpperCase(), sourcePath: '/home/tanaka/Documents/citizens.csv', device: stick, operation: 'created' } },
  { ...base(7, 'suzuki'), fileCopy: { destinationPath: '/home/suzuki/OneDrive/menu.pdf', destinationKind: 'cloud_sync', destinationRoot: '/home/suzuki/OneDrive', sizeBytes: 10, sha256: 'cd'.repeat(32), operation: 'created' } },
];

async function appWith(store: SqliteStore) {
  const app = Fastify();
  deviceRoutes(app, {
    repos: store.repos,
    requireRole: headerRoleGuard(),
  });
  await app.ready();
  return app;
}

const auditor = { 'x-test-role': 'auditor' };

describe('/api/devices', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('lists device events with the rule behind each decision, filtered by action and model; refuses anonymous callers', async () => {
    store = await storeWith(events);
    const app = await appWith(store);
    expect((await app.inject({ url: '/api/devices/events' })).statusCode).toBe(401);
    const blocked = await app.inject({ url: '/api/devices/events?action=BLOCKED&model=0781:5581', headers: auditor });
    expect(blocked.json().events).toMatchObject([{ action: 'BLOCKED', rule: 'device.default', serial: 'SERIAL-1', pc: 'PC-ACCT-07', user: 'tanaka' }]);
    const all = await app.inject({ url: '/api/devices/events?serial=SERIAL-1', headers: auditor });
    expect(all.json().events.map((e: { action: string }) => e.action)).toEqual(['MOUNTED', 'ALLOWED', 'BLOCKED', 'ATTACHED']);
    expect(all.json().events[0]).toMatchObject({ mountPoint: '/media/t/STICK', filesystem: 'vfat', label: 'STICK', sizeBytes: 8e9 });
  });

  it('summarises each device seen: last decision and rule, blocks and copies', async () => {
    store = await storeWith(events);
    const app = await appWith(store);
    const res = await app.inject({ url: `/api/devices/seen?from=0&to=${day + 86_400_000}`, headers: auditor });
    expect(res.json().devices).toEqual([{
      vendorId: '0781', productId: '5581', serial: 'SERIAL-1', vendor: 'SanDisk', product: 'Ultra', firstSeenMs: day + 1000,
      lastSeenMs: day + 5000, pcs: 1, lastPc: 'PC-ACCT-07', lastAction: 'ALLOWED', lastRule: 'device.exceptions.v1', blocked: 1, copies: 1,
    }]);
  });

  it('searches file copies by path words, content hash, serial and exit kind', async () => {
    store = await storeWith(events);
    const app = await appWith(store);
    const byWord = await app.inject({ url: '/api/devices/file-copies?q=citizens', headers: auditor });
    expect(byWord.json().copies).toMatchObject([{ destinationPath: '/media/t/STICK/citizens.csv', sourcePath: '/home/tanaka/Documents/citizens.csv', serial: 'SERIAL-1', sha256: sha }]);
    expect((await app.inject({ url: `/api/devices/file-copies?sha256=${sha.toUpperCase()}`, headers: auditor })).json().copies).toHaveLength(1);
    expect((await app.inject({ url: '/api/devices/file-copies?kind=cloud_sync', headers: auditor })).json().copies).toMatchObject([{ user: 'suzuki' }]);
    expect((await app.inject({ url: '/api/devices/file-copies?q=%25', headers: auditor })).json().copies).toHaveLength(0);
  });

  it('answers 400 with a reason for bad parameters', async () => {
    store = await storeWith(events);
    const app = await appWith(store);
    const bad = await app.inject({ url: '/api/devices/file-copies?sha256=xyz&kind=usb', headers: auditor });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID' });
    expect((await app.inject({ url: '/api/devices/events?model=sandisk', headers: auditor })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/devices/seen', headers: auditor })).statusCode).toBe(400);
  });
});
