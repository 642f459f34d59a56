// A report built on the report thread (its own read-only connection to the store's file) is the report the main
// thread would build: the same CSV bytes, totals, scope and covered actors over the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeEvents } from '../store/sqlite/test-support.ts';
import { buildReportFiles } from './build-files.ts';
import { buildReportOffThread, reportThreadStarted } from './build-off-thread.ts';
import { findJapaneseFont } from './fonts.ts';
import { reportTestServer } from './test-support.ts';

describe('buildReportOffThread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-report-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds on the report thread exactly the report the main thread builds', async () => {
    const fromMs = Date.UTC(2026, 9, 1);
    const server = await reportTestServer(join(dir, 'collector.db'), { startMs: fromMs, pcs: ['PC-ACCT-01'] });
    try {
      await storeEvents(server.store, 'agent-PC-ACCT-01', Array.from({ length: 40 }, (_, i) => ({
        seq: i + 1, timeMs: fromMs + i * 3_600_000, agentId: 'agent-PC-ACCT-01', pc: 'PC-ACCT-01', user: 'tanaka',
        ...(i % 2
          ? { device: { action: 'BLOCKED', device: { vendorId: '0781', productId: '5583', serial: 'SN1' } } }
          : { printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'P', pages: 80, copies: 1, state: 'completed' } }),
      })));
      await server.store.appendAudit({ timeMs: fromMs + 1_000, actor: 'alice', action: 'policy.publish', entry: { pc: 'PC-ACCT-01' } });
      const request = {
        policy: server.policy.current, template: 'monthly_inspection', fromMs, toMs: Date.UTC(2026, 10, 1), generatedMs: fromMs, fontPath: findJapaneseFont(),
      };
      const here = await buildReportFiles(server.store.repos.reports, request);
      const there = await buildReportOffThread(server.store.repos.reports, request);
      expect(reportThreadStarted()).toBe(true);
      expect(there.csv.equals(here.csv)).toBe(true);
      expect(there.totals).toEqual(here.totals);
      expect(there.totals.large_prints).toBe(20);
      expect(there.scope).toEqual(here.scope);
      expect(there.coveredActors).toEqual(['alice']);
      expect(there.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await server.close();
    }
  }, 60_000);
});
