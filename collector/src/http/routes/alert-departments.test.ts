import { afterEach, describe, expect, it } from 'vitest';
import type { AlertCandidate } from '../../alerts/types.ts';
import { consoleTestServer, copyEvent, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { alertsByDepartmentResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pcs = ['PC-ACCT-07', 'PC-ACCT-08', 'PC-SALES-01', 'PC-LAB-01'];

function candidate(pc: string, severity: AlertCandidate['severity'], over: Partial<AlertCandidate> = {}): AlertCandidate {
  return {
    ruleId: `rule-${severity}`, ruleName: 'Bulk copy to USB', kind: 'file_copy', severity, color: '#f57c00', pc, user: 'tanaka',
    agentId: 'agent-1', title: `copy on ${pc}`, firstMs: day, lastMs: day + 60_000, count: 1, eventIds: [], foldWindowMs: 60_000, ...over,
  };
}

/** Four PCs, three in the directory (PC-LAB-01 is not), one alert per PC plus a second (critical) one on PC-ACCT-08. */
async function seeded() {
  server = await consoleTestServer(pcs);
  await server.store.repos.directory.replace([
    { pc: 'PC-ACCT-07', department: '経理部', site: 'Tokyo' },
    { pc: 'PC-ACCT-08', department: '経理部', site: 'Osaka' },
    { pc: 'PC-SALES-01', department: '営業部', site: 'Tokyo' },
  ], day);
  const alerts = await server.store.repos.alerts.record([
    candidate('PC-ACCT-07', 'high'), candidate('PC-ACCT-08', 'high'), candidate('PC-ACCT-08', 'critical'),
    candidate('PC-SALES-01', 'medium'), candidate('PC-LAB-01', 'high'),
  ], day);
  return alerts;
}

type Row = { id: number; pc: string; department: string; site: string; severity: string };

describe('alert list by department and site', () => {
  it('filters by department, by site and by both, carries each PC\'s department and site, and totals the filtered list', async () => {
    const alerts = await seeded();
    const headers = await server!.as('auditor');
    const list = async (query: string) => (await server!.app.inject({ url: `/api/alerts?${query}`, headers })).json() as { alerts: Row[]; total: number };
    const accounting = await list(`department=${encodeURIComponent('経理部')}`);
    expect(accounting.total).toBe(3);
    expect(accounting.alerts.map((a) => a.pc).sort()).toEqual(['PC-ACCT-07', 'PC-ACCT-08', 'PC-ACCT-08']);
    expect(accounting.alerts.every((a) => a.department === '経理部')).toBe(true);
    expect((await list('site=Tokyo')).alerts.map((a) => [a.pc, a.department, a.site]).sort()).toEqual([
      ['PC-ACCT-07', '経理部', 'Tokyo'], ['PC-SALES-01', '営業部', 'Tokyo'],
    ]);
    expect((await list(`department=${encodeURIComponent('経理部')}&site=Osaka&severity=critical`)).alerts.map((a) => a.id)).toEqual([alerts[2]!.id]);
    // A PC the directory does not name: listed without a department, found by no department filter.
    const lab = (await list('pc=LAB')).alerts;
    expect(lab.map((a) => [a.department, a.site])).toEqual([['', '']]);
    expect((await list('department=Nowhere')).total).toBe(0);
  });

  it('status=open lists new and acknowledged alerts, not resolved ones (the dashboard counts link there)', async () => {
    const alerts = await seeded();
    await server!.store.repos.alerts.acknowledge(alerts[0]!.id, 'admin', day + 1);
    await server!.store.repos.alerts.resolve(alerts[1]!.id, 'true_positive', 'admin', day + 2);
    const headers = await server!.as('auditor');
    const list = async (query: string) => (await server!.app.inject({ url: `/api/alerts?${query}`, headers })).json() as { alerts: Row[]; total: number };
    const open = await list(`department=${encodeURIComponent('経理部')}&status=open`);
    expect(open.alerts.map((a) => a.id).sort()).toEqual([alerts[0]!.id, alerts[2]!.id].sort());
    expect(open.total).toBe(2);
    expect((await list('status=open,resolved')).total).toBe(5);
    expect((await server!.app.inject({ url: '/api/alerts?status=opened', headers })).statusCode).toBe(400);
  });

  it('refuses an empty, repeated, over-long or unknown department/site parameter', async () => {
    await seeded();
    const headers = await server!.as('auditor');
    for (const query of ['department=', 'department=a&department=b', `site=${'x'.repeat(201)}`, 'division=x']) {
      const res = await server!.app.inject({ url: `/api/alerts?${query}`, headers });
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID' });
    }
  });

  it('bulk-resolves by a department filter only that department\'s alerts, and saves a filter with a department', async () => {
    await seeded();
    const operator = await server!.as('operator');
    const res = await server!.app.inject({
      method: 'POST', url: '/api/alerts/bulk', headers: operator,
      payload: { action: 'resolve', resolution: 'false_positive', note: 'accounting month end', filter: { department: '営業部' } },
    });
    expect(res.json()).toMatchObject({ changed: 1 });
    const resolved = (await server!.app.inject({ url: '/api/alerts?status=resolved', headers: operator })).json().alerts as Row[];
    expect(resolved.map((a) => a.pc)).toEqual(['PC-SALES-01']);
    const refused = await server!.app.inject({ method: 'POST', url: '/api/alerts/bulk', headers: operator, payload: { action: 'acknowledge', filter: { department: '' } } });
    expect(refused.statusCode).toBe(400);
    const saved = await server!.app.inject({ method: 'POST', url: '/api/alerts/filters', headers: operator, payload: { name: 'Accounting', filter: { department: '経理部', site: 'Osaka' } } });
    expect(saved.json().filter).toMatchObject({ name: 'Accounting', filter: { department: '経理部', site: 'Osaka' } });
    expect((await server!.app.inject({ method: 'POST', url: '/api/alerts/filters', headers: operator, payload: { name: 'x', filter: { site: 7 } } })).statusCode).toBe(400);
  });

  it('counts open alerts per department and severity for the dashboard (resolved and undirectoried PCs left out), and offers the choices', async () => {
    const alerts = await seeded();
    await server!.store.repos.alerts.resolve(alerts[3]!.id, 'true_positive', 'operator', day);
    const headers = await server!.as('auditor');
    const { departments } = expectContract(alertsByDepartmentResponse, (await server!.app.inject({ url: '/api/alerts/by-department', headers })).json());
    expect(departments).toEqual([{ department: '経理部', bySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 }, total: 3 }]);
    expect((await server!.app.inject({ url: '/api/directory/choices', headers })).json()).toEqual({ departments: ['営業部', '経理部'], sites: ['Osaka', 'Tokyo'] });
  });
});

describe('log exports by department and site', () => {
  it('CSV and JSON lines carry department and site columns and keep only the chosen department\'s rows', async () => {
    await seeded();
    await ingest(server!.store, 'agent-1', [copyEvent(1, '/media/usb/acct.xlsx')]);
    await ingest(server!.store, 'agent-3', [copyEvent(1, '/media/usb/sales.xlsx', { agentId: 'agent-3', pc: 'PC-SALES-01' })]);
    const headers = await server!.as('auditor');
    const csv = (await server!.app.inject({ url: `/api/logs/export.csv?department=${encodeURIComponent('営業部')}`, headers })).body.trimEnd().split('\r\n');
    expect(csv[0]).toBe('\uFEFFeventId,timeMs,pc,agentId,user,kind,action,summary,detail,sizeBytes,department,site,timeIso');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('"PC-SALES-01"');
    expect(csv[1]).toContain('"営業部","Tokyo"');
    const jsonl = (await server!.app.inject({ url: '/api/logs/export.jsonl?site=Tokyo&order=asc', headers })).body.trimEnd().split('\n')
      .map((line) => JSON.parse(line) as { pc: string; department: string; site: string });
    expect(jsonl.map((o) => [o.pc, o.department, o.site]).sort()).toEqual([['PC-ACCT-07', '経理部', 'Tokyo'], ['PC-SALES-01', '営業部', 'Tokyo']]);
    expect((await server!.app.inject({ url: '/api/logs/export.csv?department=', headers })).statusCode).toBe(400);
    const [audit] = await server!.store.listAudit(1);
    expect(audit).toMatchObject({ action: 'logs.export', entry: { filters: { site: 'Tokyo' }, rows: 2 } });
  });
});

describe('alert exports by department and site', () => {
  it('streams every matching alert past one chunk (same event time, ordered by id), with department and site, and audits it', async () => {
    await seeded();
    const { exportChunkRows } = await import('./log-export.ts');
    const many = exportChunkRows + 3;
    // All at the same event time: the keyset cursor must fall back to the id to walk past the first chunk.
    await server!.store.repos.alerts.record(Array.from({ length: many }, (_, i) => candidate('PC-SALES-01', 'low', { ruleId: `flood-${i}`, lastMs: day + 5_000 })), day);
    const headers = await server!.as('auditor');
    const jsonl = (await server!.app.inject({ url: `/api/alerts/export.jsonl?department=${encodeURIComponent('営業部')}&severity=low`, headers })).body.trimEnd().split('\n')
      .map((line) => JSON.parse(line) as { id: number; department: string; site: string });
    expect(jsonl).toHaveLength(many);
    expect(jsonl.every((a, i) => a.department === '営業部' && a.site === 'Tokyo' && (i === 0 || a.id < jsonl[i - 1]!.id))).toBe(true);
    const csv = (await server!.app.inject({ url: '/api/alerts/export.csv?site=Osaka', headers })).body.trimEnd().split('\r\n');
    expect(csv[0]).toBe('\uFEFFid,lastMs,firstMs,severity,status,resolution,kind,ruleName,title,pc,user,department,site,count,acknowledgedBy,resolvedBy,note,lastIso');
    expect(csv.slice(1).map((line) => line.split(',')[9])).toEqual(['"PC-ACCT-08"', '"PC-ACCT-08"']);
    expect(csv[1]).toContain('"経理部","Osaka"');
    expect((await server!.app.inject({ url: '/api/alerts/export.csv?site=', headers })).statusCode).toBe(400);
    expect((await server!.app.inject({ url: '/api/alerts/export.csv?limit=5', headers })).statusCode).toBe(400);
    const [audit] = await server!.store.listAudit(1);
    expect(audit).toMatchObject({ actor: 'auditor', action: 'alerts.export', entry: { format: 'csv', rows: 2, complete: true, filters: { site: 'Osaka' } } });
  });
});
