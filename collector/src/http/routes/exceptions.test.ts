import { verifyUnlockCode } from '@mamori/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, unlockKey, type ConsoleTestServer } from './console-test-support.ts';
import { exceptionListResponse, exceptionResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/exceptions', () => {
  it('lets an operator grant a temporary exception that the PC effective policy then carries, audited', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const untilMs = server.clock.now + 3_600_000;
    const res = await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: operator, payload: { pc: 'PC-ACCT-07', mode: 'allow', untilMs, reason: 'visitor' } });
    expect(res.statusCode).toBe(201);
    const effective = await server.policy.effectiveFor('PC-ACCT-07');
    expect(effective.device.exceptions).toMatchObject([{ mode: 'allow', untilMs, createdBy: 'operator' }]);
    expectContract(exceptionResponse, res.json());
    const listed = expectContract(exceptionListResponse, (await server.app.inject({ url: '/api/exceptions?pc=PC-ACCT-07', headers: operator })).json());
    expect(listed.exceptions).toHaveLength(1);
    expect((await server.store.listAudit(5)).map((a) => a.action)).toContain('device_exception.create');
  });

  it('refuses auditors, past expiries and unknown PCs', async () => {
    server = await consoleTestServer();
    const auditor = await server.as('auditor');
    const operator = await server.as('operator');
    const body = { pc: 'PC-ACCT-07', mode: 'allow', untilMs: server.clock.now + 60_000 };
    expect((await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: auditor, payload: body })).statusCode).toBe(403);
    expect((await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: operator, payload: { ...body, untilMs: server.clock.now - 1 } })).statusCode).toBe(400);
    expect((await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: operator, payload: { ...body, pc: 'PC-NOPE' } })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: operator, payload: { ...body, mode: 'block' } })).statusCode).toBe(400);
  });

  it('generates an offline unlock code the PC can verify with its unlock key, without logging the code', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const untilMs = server.clock.now + 2 * 3_600_000;
    const res = await server.app.inject({ method: 'POST', url: '/api/exceptions/unlock-code', headers: operator, payload: { pc: 'PC-ACCT-07', untilMs } });
    expect(res.statusCode).toBe(201);
    const { code } = res.json() as { code: string };
    const claims = verifyUnlockCode(unlockKey, code, server.clock.now, { pc: 'PC-ACCT-07' });
    expect(claims.pc).toBe('PC-ACCT-07');
    const [entry] = await server.store.listAudit(1);
    expect(entry!.action).toBe('unlock_code.create');
    expect(JSON.stringify(entry!.entry)).not.toContain(code);
  });
});
