import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, type ConsoleTestServer } from './console-test-support.ts';
import { auditPageResponse, auditVerifyResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/audit', () => {
  it('shows the hash-chained audit log to auditors and admins, not operators, and verifies the chain', async () => {
    server = await consoleTestServer();
    const admin = await server.as('admin');
    await server.as('operator');
    const auditor = await server.as('auditor');
    const page = expectContract(auditPageResponse, (await server.app.inject({ url: '/api/audit?limit=2', headers: auditor })).json());
    expect(page.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([['session.sign_in', 'auditor'], ['session.sign_in', 'operator']]);
    const rest = (await server.app.inject({ url: `/api/audit?before=${page.next}`, headers: admin })).json();
    expect(rest.entries[0].actor).toBe('admin');
    const operator = await server.as('operator');
    expect((await server.app.inject({ url: '/api/audit', headers: operator })).statusCode).toBe(403);
    expect(expectContract(auditVerifyResponse, (await server.app.inject({ url: '/api/audit/verify', headers: auditor })).json())).toMatchObject({ ok: true, entries: 4 });
  });

  it('has no way to change an entry: the store refuses updates and the chain check catches a forged row', async () => {
    server = await consoleTestServer();
    const auditor = await server.as('auditor');
    expect(() => server!.store.db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only/);
    server.store.db.exec('DROP TRIGGER audit_log_no_update');
    server.store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 1").run();
    expect((await server.app.inject({ url: '/api/audit/verify', headers: auditor })).json()).toMatchObject({ ok: false, firstBadId: 1 });
  });
});
