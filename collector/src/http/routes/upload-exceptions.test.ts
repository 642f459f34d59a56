import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, type ConsoleTestServer } from './console-test-support.ts';
import { uploadExceptionListResponse, uploadExceptionResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/upload/exceptions', () => {
  it('grants an exception the PC\'s effective policy carries, lists it, revokes it once, audits both', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const untilMs = server.clock.now + 3_600_000;
    const granted = await server.app.inject({
      method: 'POST', url: '/api/upload/exceptions', headers: operator,
      payload: { pc: 'PC-ACCT-07', domain: 'GigaFile.nu', untilMs, reason: '監査法人への提出' },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const { exception } = expectContract(uploadExceptionResponse, granted.json());
    expect(exception).toMatchObject({ pc: 'PC-ACCT-07', domain: 'gigafile.nu', category: null, user: null, untilMs, createdBy: 'operator' });
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toEqual([
      { id: exception.id, domain: 'gigafile.nu', untilMs, reason: '監査法人への提出', createdBy: 'operator' },
    ]);
    const listed = expectContract(uploadExceptionListResponse, (await server.app.inject({ url: '/api/upload/exceptions?pc=PC-ACCT-07', headers: await server.as('auditor') })).json());
    expect(listed.exceptions.map((e: { id: string }) => e.id)).toEqual([exception.id]);

    const revoked = await server.app.inject({ method: 'DELETE', url: `/api/upload/exceptions/${exception.id}`, headers: operator });
    expect(revoked.statusCode).toBe(200);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toBeUndefined();
    const again = await server.app.inject({ method: 'DELETE', url: `/api/upload/exceptions/${exception.id}`, headers: operator });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already revoked/);
    expect((await server.app.inject({ method: 'DELETE', url: '/api/upload/exceptions/upx_nope', headers: operator })).statusCode).toBe(404);
    const actions = (await server.store.listAudit(10)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['upload_exception.create', 'upload_exception.revoke']));
  });

  it('scopes an exception to one user and to a category of the policy; it ends by itself', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const untilMs = server.clock.now + 60_000;
    const res = await server.app.inject({
      method: 'POST', url: '/api/upload/exceptions', headers: operator, payload: { pc: 'PC-ACCT-07', user: 'sato', category: 'file_transfer', untilMs },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toMatchObject([{ category: 'file_transfer', user: 'sato', untilMs }]);
    server.clock.now = untilMs;
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toBeUndefined();
  });

  it('refuses auditors and bad input with the field named, storing nothing', async () => {
    server = await consoleTestServer();
    const auditor = await server.as('auditor');
    const operator = await server.as('operator');
    const body = { pc: 'PC-ACCT-07', domain: 'gigafile.nu', untilMs: server.clock.now + 60_000 };
    const post = async (headers: Record<string, string>, payload: object) => server!.app.inject({ method: 'POST', url: '/api/upload/exceptions', headers, payload });
    expect((await post(auditor, body)).statusCode).toBe(403);
    const cases: [object, number, RegExp][] = [
      [{ ...body, untilMs: server.clock.now - 1 }, 400, /untilMs: must be in the future/],
      [{ ...body, untilMs: server.clock.now + 31 * 86_400_000 }, 400, /at most 30 days/],
      [{ ...body, pc: 'PC-ACCT-7' }, 404, /PC-ACCT-07/],
      [{ ...body, domain: 'https://gigafile.nu/' }, 400, /domain: .* is not a domain name/],
      [{ ...body, category: 'file_transfer' }, 400, /exactly one of category or domain/],
      [{ pc: 'PC-ACCT-07', category: 'filetransfer', untilMs: body.untilMs }, 400, /category: "filetransfer" is not a category/],
      [{ ...body, mode: 'allow' }, 400, /mode/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await post(operator, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().message, JSON.stringify(payload)).toMatch(message);
    }
    expect((await server.app.inject({ url: '/api/upload/exceptions', headers: auditor })).json().exceptions).toEqual([]);
  });
});
