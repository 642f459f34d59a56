import { afterEach, describe, expect, it } from 'vitest';
import { AlertService } from '../../alerts/alert-service.ts';
import { CollectorHub } from '../../hub.ts';
import { consoleTestServer, type ConsoleTestServer } from './console-test-support.ts';
import { notReportingResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

const hour = 3_600_000;
const day = 24 * hour;

let server: ConsoleTestServer | undefined;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await server?.close();
});

describe('/api/not-reporting', () => {
  it('lists a PC silent for 10 days once, with its site and days, while days of offline checks raise no alert for it', async () => {
    server = await consoleTestServer(['PC-SILENT', 'PC-YESTERDAY', 'PC-ONLINE']);
    const { store, clock } = server;
    const start = clock.now;
    await store.setConnected('agent-1', false, start - 10 * day);
    await store.setConnected('agent-2', false, start - day);
    await store.setConnected('agent-3', true, start);
    const service = new AlertService({
      repos: store.repos, store, hub: new CollectorHub(), policy: server.policy, from: 'mamori@corp.example',
      transport: { send: async () => ({ response: '250 OK' }), close() {} }, now: () => clock.now, monotonic: () => clock.now, onError: (e) => { throw e; },
    });
    await service.start('https://mamori.corp.example');
    stops.push(() => service.stop());
    // Three days of checks every 30 minutes, working days included.
    for (; clock.now <= start + 3 * day; clock.now += 30 * 60_000) await service.checkOffline();
    expect((await store.repos.alerts.list({ kind: 'agent_offline', limit: 10 }))).toEqual([]);

    const headers = await server.as('auditor');
    expect((await server.app.inject({ url: '/api/not-reporting' })).statusCode).toBe(401);
    const res = await server.app.inject({ url: '/api/not-reporting', headers });
    expect(res.statusCode).toBe(200);
    const body = expectContract(notReportingResponse, res.json());
    // PC-YESTERDAY has now been silent 4 days too (past the shipped 3 days); PC-SILENT comes first, once.
    expect(body.pcs.map((p: { pc: string }) => p.pc)).toEqual(['PC-SILENT', 'PC-YESTERDAY']);
    expect(body.pcs[0]).toMatchObject({ pc: 'PC-SILENT', agentId: 'agent-1', site: 'default', silentDays: 13, lastSeenMs: start - 10 * day });
    expect(body).toMatchObject({ count: 2, afterMs: 3 * day });
    const longer = (await server.app.inject({ url: '/api/not-reporting?days=7', headers })).json();
    expect(longer.pcs.map((p: { pc: string }) => p.pc)).toEqual(['PC-SILENT']);
    expect((await server.app.inject({ url: '/api/not-reporting?days=zero', headers })).statusCode).toBe(400);
  });
});

describe('/api/alerts/:id/offline-pcs', () => {
  it('lists the PCs behind an offline alert, earliest outage first; 404 for an unknown alert', async () => {
    server = await consoleTestServer([]);
    const { store, clock } = server;
    const [alert] = await store.repos.alerts.record([{
      ruleId: 'agent_offline', ruleName: 'Agents offline', kind: 'agent_offline', severity: 'high', color: '#f57c00', pc: '', user: '', agentId: '',
      title: 'PCs offline at site tokyo (2026-11-24)', firstMs: clock.now, lastMs: clock.now, count: 2, eventIds: [], foldWindowMs: day, foldGroup: 'tokyo 2026-11-24',
      offlinePcs: [{ agentId: 'a2', pc: 'TKY-2', sinceMs: clock.now + 1 }, { agentId: 'a1', pc: 'TKY-1', sinceMs: clock.now }],
    }], clock.now);
    const alertId = alert!.id;
    const headers = await server.as('auditor');
    const res = await server.app.inject({ url: `/api/alerts/${alertId}/offline-pcs`, headers });
    expect(res.json().pcs.map((p: { pc: string }) => p.pc)).toEqual(['TKY-1', 'TKY-2']);
    expect((await store.repos.alerts.list({ limit: 1 }))[0]).toMatchObject({ title: '2 PCs offline at site tokyo (2026-11-24)', count: 2 });
    expect((await server.app.inject({ url: '/api/alerts/999/offline-pcs', headers })).statusCode).toBe(404);
  });
});
