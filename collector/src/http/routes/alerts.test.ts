import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { alertFeed } from '../../alerts/alert-feed.ts';
import type { AlertCandidate } from '../../alerts/types.ts';
import { consoleTestServer, copyEvent, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { alertChangeResponse, alertDetailResponse, alertPage, alertSummary } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function candidate(over: Partial<AlertCandidate> = {}): AlertCandidate {
  return {
    ruleId: 'bulk_usb_copy', ruleName: 'Bulk copy to USB', kind: 'file_copy', severity: 'high', color: '#f57c00', pc: 'PC-ACCT-07',
    user: 'tanaka', agentId: 'agent-1', title: 'Bulk copy to USB: 101 files in 10m', firstMs: day, lastMs: day + 60_000, count: 2,
    eventIds: [], foldWindowMs: 3_600_000, ...over,
  };
}

async function seeded() {
  server = await consoleTestServer();
  await ingest(server.store, 'agent-1', [copyEvent(1, '/media/usb/a.xlsx'), copyEvent(2, '/media/usb/b.xlsx')]);
  const ids = (await server.store.eventsBySeq('agent-1', 1, 2)).map((e) => e.id);
  const usb = (await server.store.repos.alerts.record([candidate({ eventIds: ids })], day))[0]!;
  const offline = (await server.store.repos.alerts.record([candidate({ ruleId: 'agent_offline', ruleName: 'Agent offline', kind: 'agent_offline', severity: 'medium', color: '#fbc02d', user: '', pc: 'PC-2', title: 'Agent offline for 31 min' })], day))[0]!;
  return { usb, offline };
}

describe('/api/alerts', () => {
  it('lists newest first with colour, filters by severity/kind/pc/status, and refuses anonymous callers', async () => {
    const { usb, offline } = await seeded();
    expect((await server!.app.inject({ url: '/api/alerts' })).statusCode).toBe(401);
    const headers = await server!.as('auditor');
    const all = expectContract(alertPage, (await server!.app.inject({ url: '/api/alerts', headers })).json());
    expect(all.alerts.map((a: { id: number }) => a.id)).toEqual([offline.id, usb.id]);
    expect(all.alerts[1]).toEqual({
      id: usb.id, ruleId: 'bulk_usb_copy', ruleName: 'Bulk copy to USB', kind: 'file_copy', severity: 'high', color: '#f57c00', status: 'new',
      resolution: null, pc: 'PC-ACCT-07', user: 'tanaka', title: 'Bulk copy to USB: 101 files in 10m', count: 2, firstMs: day, lastMs: day + 60_000,
      acknowledgedBy: null, acknowledgedMs: null, resolvedBy: null, resolvedMs: null, note: '', department: '', site: '',
    });
    const high = expectContract(alertPage, (await server!.app.inject({ url: '/api/alerts?severity=high,critical&kind=file_copy&pc=PC-ACCT-07&status=new', headers })).json());
    expect(high.alerts.map((a: { id: number }) => a.id)).toEqual([usb.id]);
    expect((await server!.app.inject({ url: '/api/alerts?severity=urgent', headers })).json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID' });
  });

  it('shows one alert with the events that made it, payload decoded', async () => {
    const { usb } = await seeded();
    const headers = await server!.as('auditor');
    const res = expectContract(alertDetailResponse, (await server!.app.inject({ url: `/api/alerts/${usb.id}`, headers })).json());
    expect(res.alert.id).toBe(usb.id);
    expect(res.events).toHaveLength(2);
    expect(res.events[0]).toMatchObject({ agentId: 'agent-1', seq: 1, kind: 'file_copy', pc: 'PC-ACCT-07', user: 'tanaka', payload: { destinationPath: '/media/usb/a.xlsx' } });
    expect((await server!.app.inject({ url: '/api/alerts/999', headers })).statusCode).toBe(404);
  });

  it('shows an integrity alert with the findings behind it (their counts), each finding under the alert it opened or folded into', async () => {
    server = await consoleTestServer();
    const finding = { agentId: 'agent-1', pc: 'PC-ACCT-07', kind: 'stream_auth_failed' };
    await server.store.recordIntegrityFinding({ ...finding, timeMs: day, detail: 'stream from 10.0.0.66: could not prove the agent\'s key' });
    await server.store.recordIntegrityFinding({ ...finding, timeMs: day + 60_000, detail: '41 more failed stream authentications in 60 s', count: 41 });
    await server.store.recordIntegrityFinding({ ...finding, timeMs: day + 7_200_000, detail: 'after the acknowledge' });
    const integrity = { ruleId: 'integrity.stream_auth_failed', ruleName: 'Integrity finding: stream auth failed', kind: 'stream_auth_failed', user: '', foldWhileNew: true };
    const first = (await server.store.repos.alerts.record([candidate({ ...integrity, firstMs: day, lastMs: day + 60_000, count: 42 })], day))[0]!;
    const headers = await server.as('auditor');
    const res = expectContract(alertDetailResponse, (await server.app.inject({ url: `/api/alerts/${first.id}`, headers })).json());
    expect(res.alert).toMatchObject({ kind: 'stream_auth_failed', count: 42 });
    expect(res.events).toEqual([]);
    expect(res.findings!.map((f: { detail: string; count: number }) => [f.count, f.detail])).toEqual([
      [1, 'stream from 10.0.0.66: could not prove the agent\'s key'], [41, '41 more failed stream authentications in 60 s'],
    ]);
    // Ordinary alerts keep their shape (no findings field).
    await ingest(server.store, 'agent-1', [copyEvent(1, '/media/usb/a.xlsx')]);
    const usb = (await server.store.repos.alerts.record([candidate()], day))[0]!;
    expect(Object.keys((await server.app.inject({ url: `/api/alerts/${usb.id}`, headers })).json())).toEqual(['alert', 'events']);
  });

  it('acknowledge then resolve: operators only, with CSRF, who/when/note recorded and audited; wrong order is 409', async () => {
    const { usb } = await seeded();
    const auditor = await server!.as('auditor');
    const operator = await server!.as('operator');
    const ack = (headers: Record<string, string>, body: unknown = { note: 'calling tanaka' }) => server!.app.inject({ method: 'POST', url: `/api/alerts/${usb.id}/acknowledge`, headers, payload: body as object });
    expect((await ack(auditor)).statusCode).toBe(403);
    expect((await ack({ cookie: operator.cookie! })).statusCode).toBe(403); // no CSRF token
    const acked = await ack(operator);
    expect(acked.statusCode).toBe(200);
    expect(expectContract(alertChangeResponse, acked.json()).alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator', acknowledgedMs: server!.clock.now, note: 'calling tanaka' });
    expect((await ack(operator)).statusCode).toBe(409);
    const resolve = (payload: object) => server!.app.inject({ method: 'POST', url: `/api/alerts/${usb.id}/resolve`, headers: operator, payload });
    expect((await resolve({ resolution: 'maybe' })).statusCode).toBe(400);
    const resolved = expectContract(alertChangeResponse, (await resolve({ resolution: 'false_positive', note: 'backup of own files' })).json());
    expect(resolved.alert).toMatchObject({ status: 'resolved', resolution: 'false_positive', resolvedBy: 'operator', note: 'backup of own files' });
    expect((await resolve({ resolution: 'true_positive' })).statusCode).toBe(409);
    const audit = await server!.store.listAudit(10);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['alert.acknowledge', 'alert.resolve']));
  });

  it('summarises today by severity, per day, and the top PCs and users', async () => {
    await seeded();
    const headers = await server!.as('auditor');
    const summary = expectContract(alertSummary, (await server!.app.inject({ url: '/api/alerts/summary?days=7', headers })).json());
    expect(summary.today).toMatchObject({ high: 1, medium: 1, critical: 0 });
    expect(summary.byDay).toEqual([{ day: '2026-11-22', severity: 'high', count: 1 }, { day: '2026-11-22', severity: 'medium', count: 1 }]);
    expect(summary.topPcs).toEqual([{ pc: 'PC-2', count: 1 }, { pc: 'PC-ACCT-07', count: 1 }]);
    expect(summary.topUsers).toEqual([{ user: 'tanaka', count: 1 }]);
  });

  it('streams new and changed alerts as Server-Sent Events', async () => {
    server = await consoleTestServer();
    const headers = await server.as('operator');
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.app.server.address() as { port: number }).port;
    const received: string[] = [];
    const gotTwo = new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/alerts/stream', headers: { cookie: headers.cookie! } }, (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          if (buffer.startsWith(': mamori') && received.length === 0 && !buffer.includes('event: alert')) {
            // connected: make an alert, then change it
            void server!.store.repos.alerts.record([candidate()], day).then(([alert]) => {
              alertFeed(server!.store.repos).emit('alert', alert!);
              return server!.app.inject({ method: 'POST', url: `/api/alerts/${alert!.id}/acknowledge`, headers, payload: {} });
            });
          }
          for (const block of buffer.split('\n\n').slice(0, -1)) if (block.startsWith('id:') && !received.includes(block)) received.push(block);
          if (received.length >= 2) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (error) => { if (received.length < 2) reject(error); });
      req.end();
    });
    await gotTwo;
    const alerts = received.map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { status: string; color: string });
    expect(received[0]).toMatch(/^id: \d+\nevent: alert\ndata: /);
    expect(alerts.map((a) => a.status)).toEqual(['new', 'acknowledged']);
    expect(alerts[0]!.color).toBe('#f57c00');
  });
});
