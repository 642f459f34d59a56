import { afterEach, describe, expect, it } from 'vitest';
import { alertFeed } from '../../alerts/alert-feed.ts';
import type { Alert, AlertCandidate } from '../../alerts/types.ts';
import { consoleTestServer, day, type ConsoleTestServer } from './console-test-support.ts';
import { bulkAlertResponse, savedAlertFilterResponse, savedAlertFiltersResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function candidate(over: Partial<AlertCandidate> = {}): AlertCandidate {
  return {
    ruleId: 'bulk_usb_copy', ruleName: 'Bulk copy to USB', kind: 'file_copy', severity: 'high', color: '#f57c00', pc: 'PC-ACCT-07',
    user: 'tanaka', agentId: 'agent-1', title: 'Bulk copy to USB', firstMs: day, lastMs: day, count: 1, eventIds: [], foldWindowMs: 60_000, ...over,
  };
}

/** `n` alerts on PCs PC-0000…, each on its own PC so none fold; event times one minute apart, newest last. */
function manyAlerts(n: number, over: (i: number) => Partial<AlertCandidate> = () => ({})): Promise<Alert[]> {
  // One candidate per call: each is its own fold decision, as separate rule firings are.
  return Promise.all(Array.from({ length: n }, async (_, i) => (await server!.store.repos.alerts.record([candidate({
    pc: `PC-${String(i).padStart(4, '0')}`, firstMs: day + i * 60_000, lastMs: day + i * 60_000, ...over(i),
  })], day))[0]!));
}

const ids = (body: { alerts: { id: number }[] }) => body.alerts.map((a) => a.id);

describe('alert list at scale', () => {
  it('pages with a total, newest first by event time (not by creation), to the last page', async () => {
    server = await consoleTestServer();
    const created = await manyAlerts(250);
    // Created last but happened first: by creation it would lead the list, by event time it comes last.
    const late = (await server.store.repos.alerts.record([candidate({ pc: 'PC-LATE', firstMs: day - 3_600_000, lastMs: day - 3_600_000 })], day))[0]!;
    const headers = await server.as('auditor');
    const get = async (url: string) => (await server!.app.inject({ url, headers })).json();
    const first = await get('/api/alerts?limit=100');
    expect(first).toMatchObject({ total: 251, page: 1, limit: 100 });
    expect(ids(first).slice(0, 2)).toEqual([created[249]!.id, created[248]!.id]);
    const second = await get('/api/alerts?limit=100&page=2');
    expect(ids(second)[0]).toBe(created[149]!.id);
    const last = await get('/api/alerts?limit=100&page=3');
    expect(last.total).toBe(251);
    expect(ids(last)).toHaveLength(51);
    expect(ids(last).at(-1)).toBe(late.id);
    const everything = new Set([...ids(first), ...ids(second), ...ids(last)]);
    expect(everything.size).toBe(251);
    expect((await get('/api/alerts?limit=100&page=4')).alerts).toEqual([]);
    // A fold moves an alert to the top, the way the live feed sorts it.
    const grown = (await server.store.repos.alerts.record([candidate({ pc: 'PC-0000', firstMs: day + 10, lastMs: day + 300 * 60_000 })], day))[0]!;
    expect(grown.id).toBe(created[0]!.id);
    expect(ids(await get('/api/alerts?limit=1'))).toEqual([created[0]!.id]);
  });

  it('filters PC and user by part of the name in any case, and offers the kinds present as choices', async () => {
    server = await consoleTestServer();
    const acct = (await server.store.repos.alerts.record([candidate({ pc: 'PC-ACCT-07', user: 'tanaka.hiroshi' })], day))[0]!;
    const sales = (await server.store.repos.alerts.record([candidate({ pc: 'PC-SALES-12', user: 'suzuki', kind: 'upload', ruleId: 'upload' })], day))[0]!;
    await server.store.repos.alerts.record([candidate({ pc: 'PC-100%', user: 'x', kind: 'print_job', ruleId: 'print' })], day);
    const headers = await server.as('auditor');
    const get = async (url: string) => (await server!.app.inject({ url, headers })).json();
    expect(ids(await get('/api/alerts?pc=acct'))).toEqual([acct.id]);
    expect(ids(await get('/api/alerts?pc=PC-SA'))).toEqual([sales.id]);
    expect(ids(await get('/api/alerts?user=hiro'))).toEqual([acct.id]);
    expect((await get('/api/alerts?pc=PC'))).toMatchObject({ total: 3 });
    // % and _ are taken literally, not as wildcards.
    expect((await get(`/api/alerts?pc=${encodeURIComponent('0%')}`)).total).toBe(1);
    expect((await get('/api/alerts?pc=PC_')).total).toBe(0);
    expect(await get('/api/alerts/kinds')).toEqual({ kinds: ['file_copy', 'print_job', 'upload'] });
    expect(ids(await get('/api/alerts?kind=upload'))).toEqual([sales.id]);
  });

  it('resolves 500 alerts in one request with one note and one audit entry naming them all, and pushes each to the live feed', async () => {
    server = await consoleTestServer();
    const alerts = await manyAlerts(520);
    const operator = await server.as('operator');
    const auditor = await server.as('auditor');
    const chosen = alerts.slice(0, 500).map((a) => a.id);
    const body = { action: 'resolve', resolution: 'false_positive', note: 'evening shutdown, not an incident', ids: chosen };
    expect((await server.app.inject({ method: 'POST', url: '/api/alerts/bulk', headers: auditor, payload: body })).statusCode).toBe(403);
    const pushed: Alert[] = [];
    alertFeed(server.store.repos).on('alert', (a) => pushed.push(a));
    const res = await server.app.inject({ method: 'POST', url: '/api/alerts/bulk', headers: operator, payload: body });
    expect(res.statusCode).toBe(200);
    expect(expectContract(bulkAlertResponse, res.json())).toMatchObject({ changed: 500, skipped: [] });
    expect(pushed).toHaveLength(500);
    const resolved = (await server.app.inject({ url: '/api/alerts?status=resolved&limit=1000', headers: auditor })).json();
    expect(resolved.total).toBe(500);
    expect(resolved.alerts.every((a: Alert) => a.resolution === 'false_positive' && a.resolvedBy === 'operator' && a.note === 'evening shutdown, not an incident')).toBe(true);
    expect((await server.app.inject({ url: '/api/alerts?status=new', headers: auditor })).json().total).toBe(20);
    const [audit] = await server.store.listAudit(1);
    expect(audit).toMatchObject({ actor: 'operator', action: 'alert.bulk_resolve', entry: { resolution: 'false_positive', note: 'evening shutdown, not an incident' } });
    expect([...(audit!.entry as { alertIds: number[] }).alertIds].sort((a, b) => a - b)).toEqual([...chosen].sort((a, b) => a - b));
    // Again: already resolved alerts are skipped, not an error, and nothing changes.
    const again = (await server.app.inject({ method: 'POST', url: '/api/alerts/bulk', headers: operator, payload: { ...body, ids: chosen.slice(0, 3) } })).json();
    expect(again).toMatchObject({ changed: 0, skipped: chosen.slice(0, 3) });
  });

  it('acknowledges every alert matching a filter, and refuses a body that is unclear', async () => {
    server = await consoleTestServer();
    await manyAlerts(30, (i) => ({ severity: i % 3 === 0 ? 'critical' : 'low', user: i < 15 ? 'tanaka' : 'suzuki' }));
    const operator = await server.as('operator');
    const post = (payload: object) => server!.app.inject({ method: 'POST', url: '/api/alerts/bulk', headers: operator, payload });
    const res = (await post({ action: 'acknowledge', note: 'looking into it', filter: { severity: 'critical', user: 'tana' } })).json();
    expect(res.changed).toBe(5);
    const acked = (await server.app.inject({ url: '/api/alerts?status=acknowledged', headers: operator })).json();
    expect(acked.alerts.every((a: Alert) => a.severity === 'critical' && a.user === 'tanaka' && a.note === 'looking into it')).toBe(true);
    expect((await post({ action: 'resolve', ids: [1] })).json().message).toMatch(/resolution/);
    expect((await post({ action: 'acknowledge', ids: [1], filter: {} })).json().message).toMatch(/either ids or filter/);
    expect((await post({ action: 'acknowledge', filter: { severity: 'urgent' } })).statusCode).toBe(400);
  });

  it('keeps saved filters per user: save, replace by name, list only your own, delete', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const auditor = await server.as('auditor');
    const save = (headers: Record<string, string>, payload: object) => server!.app.inject({ method: 'POST', url: '/api/alerts/filters', headers, payload });
    const saved = expectContract(savedAlertFilterResponse, (await save(operator, { name: 'Accounting, open', filter: { pc: 'ACCT', status: 'new,acknowledged' } })).json()).filter;
    expect(saved).toMatchObject({ name: 'Accounting, open', filter: { pc: 'ACCT', status: 'new,acknowledged' } });
    await save(operator, { name: 'Accounting, open', filter: { pc: 'ACCT', status: 'new' } });
    await save(auditor, { name: 'Mine', filter: { severity: 'critical' } });
    const list = expectContract(savedAlertFiltersResponse, (await server.app.inject({ url: '/api/alerts/filters', headers: operator })).json()).filters;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'Accounting, open', filter: { pc: 'ACCT', status: 'new' } });
    expect((await save(operator, { name: 'bad', filter: { severity: 'urgent' } })).statusCode).toBe(400);
    expect((await save(operator, { name: '', filter: {} })).statusCode).toBe(400);
    // Someone else's filter cannot be deleted.
    expect((await server.app.inject({ method: 'DELETE', url: `/api/alerts/filters/${list[0]!.id}`, headers: auditor })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'DELETE', url: `/api/alerts/filters/${list[0]!.id}`, headers: operator })).statusCode).toBe(200);
    expect((await server.app.inject({ url: '/api/alerts/filters', headers: operator })).json().filters).toEqual([]);
  });
});
