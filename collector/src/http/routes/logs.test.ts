import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, copyEvent, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { csvCell } from './logs.ts';
import { logEventResponse, logPageResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

const hostile = '<img src=x onerror=alert(1)>.xlsx';

async function seeded(): Promise<ConsoleTestServer> {
  const s = await consoleTestServer();
  await ingest(s.store, 'agent-1', [
    copyEvent(1, '/media/usb/顧客名簿2026.xlsx'),
    copyEvent(2, `/media/usb/${hostile}`),
    { seq: 3, timeMs: day + 3 * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka', printJob: { documentName: '見積書.pdf', printer: 'PDF', pages: 3, action: 'logged' } },
    { seq: 4, timeMs: day + 4 * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'suzuki', mail: { subject: 'Quarterly numbers', bodyExcerpt: 'confidential body', to: ['friend@gmail.com'], attachments: [{ fileName: 'sales.csv' }], verdict: 'relayed' } },
    { seq: 5, timeMs: day + 5 * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'suzuki', upload: { fileName: '=cmd|calc.csv', destinationHost: 'drive.example.com', category: 'personal_cloud' } },
    { seq: 6, timeMs: day + 6 * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: '', lifecycle: { kind: 'STARTED', agentVersion: '1' } },
  ]);
  return s;
}

describe('/api/logs', () => {
  it('combines every logged kind newest first (lifecycle left out) and filters by kind, user and keyword', async () => {
    server = await seeded();
    const headers = await server.as('auditor');
    const all = expectContract(logPageResponse, (await server.app.inject({ url: '/api/logs', headers })).json()).entries;
    expect(all.map((e: { kind: string }) => e.kind)).toEqual(['upload', 'mail', 'print_job', 'file_copy', 'file_copy']);
    const mails = (await server.app.inject({ url: '/api/logs?kind=mail', headers })).json().entries;
    expect(mails).toMatchObject([{ summary: 'Quarterly numbers', user: 'suzuki' }]);
    expect(mails[0].detail).toContain('sales.csv');
    const japanese = (await server.app.inject({ url: `/api/logs?q=${encodeURIComponent('顧客名簿')}`, headers })).json().entries;
    expect(japanese.map((e: { summary: string }) => e.summary)).toEqual(['/media/usb/顧客名簿2026.xlsx']);
    const twoWords = (await server.app.inject({ url: '/api/logs?q=gmail%20sales', headers })).json().entries;
    expect(twoWords).toHaveLength(1);
    const short = (await server.app.inject({ url: `/api/logs?q=${encodeURIComponent('見積')}`, headers })).json().entries;
    expect(short.map((e: { kind: string }) => e.kind)).toEqual(['print_job']);
    expect((await server.app.inject({ url: '/api/logs?kind=lifecycle', headers })).statusCode).toBe(400);
  });

  it('pages with a cursor in both orders', async () => {
    server = await seeded();
    const headers = await server.as('auditor');
    const first = expectContract(logPageResponse, (await server.app.inject({ url: '/api/logs?limit=2', headers })).json());
    const second = (await server.app.inject({ url: `/api/logs?limit=2&before=${first.next}`, headers })).json();
    expect(second.entries.map((e: { kind: string }) => e.kind)).toEqual(['print_job', 'file_copy']);
    const oldest = (await server.app.inject({ url: '/api/logs?limit=1&order=asc', headers })).json();
    expect(oldest.entries[0].summary).toBe('/media/usb/顧客名簿2026.xlsx');
  });

  it('orders a keyword search newest first by event time, not by arrival (a late delivery sorts where it happened)', async () => {
    server = await consoleTestServer();
    // Arrival order (seq, event id) is the reverse of event time: the PC delivered its oldest copy last.
    await ingest(server.store, 'agent-1', [
      copyEvent(1, '/media/usb/report-b.xlsx', { timeMs: day + 2 * 60_000 }),
      copyEvent(2, '/media/usb/report-c.xlsx', { timeMs: day + 3 * 60_000 }),
      copyEvent(3, '/media/usb/report-a.xlsx', { timeMs: day + 1 * 60_000 }),
    ]);
    const headers = await server.as('auditor');
    const summaries = async (url: string) => (await server!.app.inject({ url, headers })).json().entries.map((e: { summary: string }) => e.summary.slice(-13));
    expect(await summaries('/api/logs?q=report')).toEqual(['report-c.xlsx', 'report-b.xlsx', 'report-a.xlsx']);
    expect(await summaries('/api/logs?q=report&order=asc')).toEqual(['report-a.xlsx', 'report-b.xlsx', 'report-c.xlsx']);
    const first = (await server.app.inject({ url: '/api/logs?q=report&limit=2', headers })).json();
    expect(await summaries(`/api/logs?q=report&limit=2&before=${first.next}`)).toEqual(['report-a.xlsx']);
  });

  it('exports CSV with formula cells neutralised, and audits the export', async () => {
    server = await seeded();
    const headers = await server.as('operator');
    const res = await server.app.inject({ url: '/api/logs/export.csv', headers });
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.body).toContain(`"'=cmd|calc.csv"`);
    expect(res.body).toContain(`"/media/usb/${hostile}"`);
    expect(res.body.trim().split('\r\n')).toHaveLength(6);
    expect((await server.store.listAudit(1))[0]!.action).toBe('logs.export');
    expect(csvCell('a"b')).toBe('"a""b"');
  });

  it('writes every opening of a mail to the audit log, and returns the body only there', async () => {
    server = await seeded();
    const headers = await server.as('auditor');
    const mail = (await server.app.inject({ url: '/api/logs?kind=mail', headers })).json().entries[0];
    const opened = expectContract(logEventResponse, (await server.app.inject({ url: `/api/logs/events/${mail.eventId}`, headers })).json()).event;
    expect(opened.payload!.bodyExcerpt).toBe('confidential body');
    const [entry] = await server.store.listAudit(1);
    expect(entry).toMatchObject({ actor: 'auditor', action: 'mail.open', entry: { eventId: mail.eventId } });
    const copy = (await server.app.inject({ url: '/api/logs?kind=file_copy', headers })).json().entries[0];
    await server.app.inject({ url: `/api/logs/events/${copy.eventId}`, headers });
    expect((await server.store.listAudit(1))[0]!.action).toBe('mail.open');
  });
});
