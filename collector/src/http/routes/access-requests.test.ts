import type { Event } from '@mamori/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { accessRequestDecisionResponse, accessRequestListResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

/** An upload access request as the agent journals it (from the browser's block message). */
function uploadRequest(seq: number, requestId: string): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
    accessRequest: {
      state: 'REQUESTED', requestId, subject: 'upload', reason: '監査法人への証憑提出のため', blockedRule: 'upload.enforcement.categories.file_transfer',
      upload: { host: '46.gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: ['証憑.zip'] },
    },
  } as Event;
}

describe('/api/access-requests for uploads', () => {
  it('lists an upload request with its site; approving grants an upload exception for that PC and domain, once, in the PC\'s policy', async () => {
    server = await consoleTestServer();
    await ingest(server.store, 'agent-1', [uploadRequest(1, 'req_upload_1')]);
    const operator = await server.as('operator');
    const listed = expectContract(accessRequestListResponse, (await server.app.inject({ url: '/api/access-requests?status=pending', headers: await server.as('auditor') })).json()).requests;
    expect(listed).toEqual([expect.objectContaining({
      pc: 'PC-ACCT-07', user: 'tanaka', subject: 'upload', reason: '監査法人への証憑提出のため', status: 'pending',
      upload: { host: '46.gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: ['証憑.zip'] },
    })]);
    const untilMs = server.clock.now + 3_600_000;
    const approved = await server.app.inject({ method: 'POST', url: `/api/access-requests/${listed[0]!.id}/approve`, headers: operator, payload: { untilMs, note: '本日中のみ' } });
    expect(approved.statusCode, approved.body).toBe(200);
    const { exception, request } = expectContract(accessRequestDecisionResponse, approved.json());
    expect(exception).toMatchObject({ pc: 'PC-ACCT-07', domain: 'gigafile.nu', category: null, untilMs, createdBy: 'operator', reason: expect.stringContaining('監査法人への証憑提出のため') });
    expect(request).toMatchObject({ status: 'approved', exceptionId: exception!.id, untilMs });
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toEqual([expect.objectContaining({ id: exception!.id, domain: 'gigafile.nu', untilMs })]);
    // Decided once: a second approval neither succeeds nor grants a second exception.
    expect((await server.app.inject({ method: 'POST', url: `/api/access-requests/${listed[0]!.id}/approve`, headers: operator, payload: {} })).statusCode).toBe(409);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).upload_exceptions).toHaveLength(1);
    const actions = (await server.store.listAudit(10)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['upload_exception.create', 'access_request.approve']));
  });

  it('grants the whole category when asked to, and never a device exception for an upload request', async () => {
    server = await consoleTestServer();
    await ingest(server.store, 'agent-1', [uploadRequest(1, 'req_upload_2')]);
    const [row] = (await server.app.inject({ url: '/api/access-requests', headers: await server.as('auditor') })).json().requests;
    const approved = await server.app.inject({
      method: 'POST', url: `/api/access-requests/${row.id}/approve`, headers: await server.as('operator'), payload: { scope: 'category', untilMs: server.clock.now + 60_000 },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().exception).toMatchObject({ category: 'file_transfer', domain: null });
    const effective = await server.policy.effectiveFor('PC-ACCT-07');
    expect(effective.upload_exceptions).toEqual([expect.objectContaining({ category: 'file_transfer' })]);
    expect(effective.device.exceptions).toEqual([]);
  });
});
