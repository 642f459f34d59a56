import { afterEach, describe, expect, it } from 'vitest';
import { generateLogEntries } from '../../store/sqlite/log-test-support.ts';
import { consoleTestServer, day, type ConsoleTestServer } from './console-test-support.ts';
import { exportChunkRows } from './log-export.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/logs/export', () => {
  // Past the old 100,000-row cut, and not a multiple of the chunk size, so the last partial chunk is exercised.
  const rows = 100_000 + exportChunkRows + 7;

  it('streams every matching row as CSV, newest first by event time, and audits the row count', async () => {
    server = await consoleTestServer();
    generateLogEntries(server.store.db, rows, day);
    const headers = await server.as('auditor');
    const res = await server.app.inject({ url: '/api/logs/export.csv', headers });
    expect(res.statusCode).toBe(200);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('\uFEFFeventId,timeMs,pc,agentId,user,kind,action,summary,detail,sizeBytes,department,site,timeIso');
    expect(lines).toHaveLength(rows + 1);
    expect(lines[1]).toContain(`"${day + (rows - 1) * 1_000}"`);
    expect(lines.at(-1)).toContain('"/media/usb/file-0.xlsx"');
    const [audit] = await server.store.listAudit(1);
    expect(audit).toMatchObject({ actor: 'auditor', action: 'logs.export', entry: { format: 'csv', rows, complete: true } });
  });

  it('streams JSON lines with the same filters, and refuses a row limit (exports are whole)', async () => {
    server = await consoleTestServer();
    generateLogEntries(server.store.db, 5_000, day);
    const headers = await server.as('auditor');
    const from = day + 1_000 * 1_000;
    const res = await server.app.inject({ url: `/api/logs/export.jsonl?from=${from}&order=asc`, headers });
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const objects = res.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { timeMs: number; summary: string; agentId: string });
    expect(objects).toHaveLength(4_000);
    expect(objects[0]).toMatchObject({ timeMs: from, summary: '/media/usb/file-1000.xlsx', agentId: 'agent-1' });
    expect(objects.every((o, i) => i === 0 || o.timeMs > objects[i - 1]!.timeMs)).toBe(true);
    const capped = await server.app.inject({ url: '/api/logs/export.csv?limit=10', headers });
    expect(capped.statusCode).toBe(400);
    expect(capped.json().message).toMatch(/always complete/);
  });
});
