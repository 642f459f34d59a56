// The report schedule across restarts: the cursor is in the database, so a collector restarted after a period
// ended makes that period's report once, and one that was down across several period ends makes each of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportScheduler } from './scheduler.ts';
import { reportTestServer, type ReportTestServer } from './test-support.ts';

const reportsYaml = `reports:
  templates:
    monthly:
      title: 月次点検
      schedule: monthly
      timezone: Asia/Tokyo
      items: [usb_use, admin_actions]
    weekly:
      title: 週次点検
      schedule: weekly
      timezone: Asia/Tokyo
      items: [blocked_attempts]
`;

const jst = 9 * 3_600_000;
const tokyo = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h) - jst;

describe('scheduled reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-report-schedule-'));
  const path = join(dir, 'collector.db');
  const open: ReportTestServer[] = [];
  afterAll(async () => {
    for (const server of open) await server.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A collector process: its own store connection and scheduler, with the clock at `nowMs`. */
  async function start(nowMs: number, publish = false): Promise<{ server: ReportTestServer; scheduler: ReportScheduler }> {
    const server = await reportTestServer(path, { startMs: nowMs, ...(publish ? { reportsYaml } : {}), pcs: ['PC-1'] });
    open.push(server);
    return { server, scheduler: new ReportScheduler(server.context) };
  }
  async function stop(running: { server: ReportTestServer; scheduler: ReportScheduler }): Promise<void> {
    await running.scheduler.stop();
    await running.server.close();
    open.splice(open.indexOf(running.server), 1);
  }
  const periods = async (server: ReportTestServer, template: string) => (await server.store.repos.reports.list({ template, limit: 100 }))
    .map((r) => `${new Date(r.fromMs + jst).toISOString().slice(0, 10)}..${new Date(r.toMs - 1 + jst).toISOString().slice(0, 10)}`).sort();

  it('makes one report per ended period: none twice across a restart, none skipped while down', async () => {
    // First start mid-October: nothing has ended since the templates were set up.
    const first = await start(tokyo(2026, 10, 14, 12), true);
    expect(await first.scheduler.runDue()).toEqual([]);

    // October ends; the running collector makes October's report (and the weeks that ended) once, however often it checks.
    first.server.clock.now = tokyo(2026, 11, 1, 0) + 60_000;
    const made = await first.scheduler.runDue();
    expect(made.map((r) => r.template).sort()).toEqual(['monthly', 'weekly', 'weekly']);
    expect(await first.scheduler.runDue()).toEqual([]);
    await stop(first);

    // Restarted two days later: October is not made again.
    const second = await start(tokyo(2026, 11, 3, 9));
    expect((await second.scheduler.runDue()).map((r) => r.template)).toEqual(['weekly']); // the week of Oct 26 ended on Nov 1 (Sunday)
    expect(await periods(second.server, 'monthly')).toEqual(['2026-10-01..2026-10-31']);
    await stop(second);

    // Down from Nov 3 until Jan 10: November and December are both made, in order, after the restart.
    const third = await start(tokyo(2027, 1, 10, 9));
    const caughtUp = await third.scheduler.runDue();
    expect(caughtUp.filter((r) => r.template === 'monthly').map((r) => r.fromMs)).toEqual([tokyo(2026, 11, 1), tokyo(2026, 12, 1)]);
    expect(await periods(third.server, 'monthly')).toEqual(['2026-10-01..2026-10-31', '2026-11-01..2026-11-30', '2026-12-01..2026-12-31']);
    const weeks = await periods(third.server, 'weekly');
    expect(new Set(weeks).size).toBe(weeks.length);
    // Consecutive Monday–Sunday weeks from Oct 12 (the first full week after set-up) to Jan 3, none missing.
    expect(weeks[0]).toBe('2026-10-12..2026-10-18');
    expect(weeks.at(-1)).toBe('2026-12-28..2027-01-03');
    expect(weeks).toHaveLength(12);

    // Two collectors on one database checking at the same moment when a period ends: one report, one audit entry.
    const other = await start(tokyo(2027, 1, 10, 9));
    expect(await other.scheduler.runDue()).toEqual([]);
    third.server.clock.now = other.server.clock.now = tokyo(2027, 2, 1, 0) + 1_000;
    const [a, b] = await Promise.all([third.scheduler.runDue(), other.scheduler.runDue()]);
    expect([...a, ...b].filter((r) => r.template === 'monthly').map((r) => r.fromMs)).toEqual([tokyo(2027, 1, 1)]);
    expect(await periods(third.server, 'monthly')).toHaveLength(4);
    const generatedEntries = (await third.server.store.listAudit(1_000)).filter((e) => e.action === 'report.generate');
    expect(generatedEntries).toHaveLength((await third.server.store.repos.reports.list({ limit: 100 })).length);

    // Every scheduled report's hash is in the audit chain, written by the scheduler.
    const audit = await third.server.store.listAudit(1_000);
    for (const report of await third.server.store.repos.reports.list({ limit: 100 })) {
      expect(audit.find((e) => e.id === report.auditId)).toMatchObject({ actor: 'system:scheduler', action: 'report.generate', entry: { pdfSha256: report.pdfSha256 } });
    }
  });
});
