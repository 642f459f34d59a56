import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, copyEvent, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { historyPage, pcDetail, pcListResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/pcs', () => {
  it('lists PCs with status, device mode and an active-exception flag; refuses anonymous callers', async () => {
    server = await consoleTestServer(['PC-ACCT-07', 'PC-SALES-01']);
    await server.store.setConnected('agent-1', true, day);
    expect((await server.app.inject({ url: '/api/pcs' })).statusCode).toBe(401);
    const headers = await server.as('auditor');
    const res = await server.app.inject({ url: '/api/pcs', headers });
    expect(res.statusCode).toBe(200);
    const { pcs } = expectContract(pcListResponse, res.json());
    expect(pcs.map((p) => [p.pc, p.connected])).toEqual([['PC-ACCT-07', true], ['PC-SALES-01', false]]);
    expect(pcs[0]).toMatchObject({ deviceMode: expect.any(String), openAlerts: 0, exceptionActive: false });
  });

  it('pages a PC history newest first with a cursor, jumps to a time, and returns a window around a moment', async () => {
    server = await consoleTestServer();
    await ingest(server.store, 'agent-1', Array.from({ length: 30 }, (_, i) => copyEvent(i + 1, `/media/usb/file-${i + 1}.xlsx`)));
    const headers = await server.as('auditor');
    const first = expectContract(historyPage, (await server.app.inject({ url: '/api/pcs/PC-ACCT-07/history?limit=10', headers })).json());
    expect(first.events.map((e: { seq: number }) => e.seq)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
    expect(first.events[0]).toMatchObject({ kind: 'file_copy', summary: '/media/usb/file-30.xlsx', action: 'created' });
    const second = (await server.app.inject({ url: `/api/pcs/PC-ACCT-07/history?limit=10&before=${first.next}`, headers })).json();
    expect(second.events[0].seq).toBe(20);
    const jumped = (await server.app.inject({ url: `/api/pcs/PC-ACCT-07/history?limit=3&at=${day + 5 * 60_000}`, headers })).json();
    expect(jumped.events.map((e: { seq: number }) => e.seq)).toEqual([5, 4, 3]);
    const around = expectContract(historyPage, (await server.app.inject({ url: `/api/pcs/PC-ACCT-07/history?around=${day + 15 * 60_000}`, headers })).json());
    expect(around.events.map((e: { seq: number }) => e.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect((await server.app.inject({ url: '/api/pcs/PC-ACCT-07/history?before=yesterday', headers })).statusCode).toBe(400);
  });

  it('shows one PC with its device policy and latest inventory, never the mail body in the timeline', async () => {
    server = await consoleTestServer();
    await ingest(server.store, 'agent-1', [
      { seq: 1, timeMs: day, agentId: 'agent-1', pc: 'PC-ACCT-07', user: '', inventory: { hostname: 'PC-ACCT-07', osDistro: 'Debian', osRelease: '12' } },
      { seq: 2, timeMs: day + 1, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka', mail: { subject: '見積', bodyExcerpt: 'secret body', to: ['x@example.com'], verdict: 'relayed' } },
    ]);
    const headers = await server.as('auditor');
    const pc = expectContract(pcDetail, (await server.app.inject({ url: '/api/pcs/PC-ACCT-07', headers })).json());
    expect(pc.inventory!.snapshot).toMatchObject({ osDistro: 'Debian' });
    expect(pc.device).toMatchObject({ mode: expect.any(String), exceptions: [] });
    const history = (await server.app.inject({ url: '/api/pcs/PC-ACCT-07/history', headers })).json();
    const mail = history.events.find((e: { kind: string }) => e.kind === 'mail');
    expect(mail.payload.subject).toBe('見積');
    expect(mail.payload.bodyExcerpt).toBeUndefined();
    expect((await server.app.inject({ url: '/api/pcs/PC-NOPE', headers })).statusCode).toBe(404);
  });
});
