import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, type ConsoleTestServer } from './console-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/directory', () => {
  it('imports department and site per PC (admins, audited) and /api/pcs carries them; a bad file changes nothing', async () => {
    server = await consoleTestServer(['PC-ACCT-07', 'PC-SALES-01']);
    const admin = await server.as('admin');
    const auditor = await server.as('auditor');
    const csv = 'pc,department,site\nPC-ACCT-07,経理部,Tokyo\nPC-SALES-01,営業部,Osaka\n';
    expect((await server.app.inject({ method: 'POST', url: '/api/directory', headers: auditor, payload: { csv } })).statusCode).toBe(403);
    const res = await server.app.inject({ method: 'POST', url: '/api/directory', headers: admin, payload: { csv } });
    expect(res.json()).toEqual({ imported: 2 });
    const pcs = (await server.app.inject({ url: '/api/pcs', headers: auditor })).json().pcs as { pc: string; department: string; site: string }[];
    expect(pcs.map((p) => [p.pc, p.department, p.site])).toEqual([['PC-ACCT-07', '経理部', 'Tokyo'], ['PC-SALES-01', '営業部', 'Osaka']]);

    const bad = await server.app.inject({ method: 'POST', url: '/api/directory', headers: admin, payload: { csv: 'pc,department\nPC-ACCT-07,総務部\n,x\n' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual([{ line: 3, message: 'no PC name' }]);
    expect((await server.app.inject({ url: '/api/directory', headers: auditor })).json()).toMatchObject({ count: 2 });
    const audit = (await server.app.inject({ url: '/api/audit', headers: admin })).json().entries as { action: string }[];
    expect(audit.filter((e) => e.action === 'directory.import')).toHaveLength(1);
  });
});
