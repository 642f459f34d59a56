// The inspection report's risk_scores item against people scored by the real risk service: the planted person
// leads with the right breakdown, a restricted scope leaves out people with no scored events on its PCs, and with
// the policy's privacy switch on the report shows pseudonyms, never the name. PDF read back with pdftotext.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { ensureDebianFiles, ensureDebianPackages } from '../../../test/harness/system-packages.ts';
import { dayNumber } from '../risk/days.ts';
import { pseudonymOf } from '../risk/pseudonym.ts';
import { RiskService } from '../risk/risk-service.ts';
import { storeEvents } from '../store/sqlite/test-support.ts';
import { policyWithReports, reportTestServer } from './test-support.ts';

ensureDebianPackages(['poppler-utils'], ['pdftotext']);
ensureDebianFiles(['fonts-ipaexfont-gothic'], ['/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf']);

const reportsYaml = `reports:
  templates:
    monthly:
      title: 月次リスク報告
      timezone: Asia/Tokyo
      items: [risk_scores]
      top: 5
    accounting:
      title: 経理部
      timezone: Asia/Tokyo
      scope: { pcs: ["ACCT-*"] }
      items: [risk_scores]
`;

const at = (local: string) => Date.parse(`${local}+09:00`);

function events(pc: string, user: string, list: [string, Partial<Event>][]): Event[] {
  return list.map(([local, payload], i) => ({ seq: i + 1, timeMs: at(local), agentId: `agent-${pc}`, pc, user, ...payload }) as Event);
}

const upload = (name: string, sizeBytes: number): Partial<Event> => ({
  upload: { pageUrl: 'https://www.dropbox.com/home', destinationHost: 'www.dropbox.com', fileName: name, sizeBytes, method: 'input', category: 'personal_cloud', browser: 'chrome' },
});
const usb = (n: number): Partial<Event> => ({
  fileCopy: { destinationPath: `/media/usb/f${n}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 200_000, device: { serial: 'SN1' }, operation: 'created' },
});

describe('inspection report: risk_scores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-risk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the top people by peak score with their breakdown, within the scope, pseudonymised when the policy says so', async () => {
    const server = await reportTestServer(join(dir, 'collector.db'), { startMs: Date.UTC(2026, 8, 20), reportsYaml, pcs: ['SALES-01', 'ACCT-01'] });
    try {
      // kimura uploads the customer list to personal storage late on a Saturday; tanaka copies a few files on weekdays.
      await storeEvents(server.store, 'agent-SALES-01', events('SALES-01', 'kimura', [
        ['2026-10-17T23:05:00', upload('顧客リスト.xlsx', 300_000_000)], ['2026-10-17T23:06:00', upload('顧客リスト2.xlsx', 120_000_000)],
      ]));
      await storeEvents(server.store, 'agent-ACCT-01', events('ACCT-01', 'tanaka', [
        ['2026-10-06T10:00:00', usb(1)], ['2026-10-07T11:00:00', usb(2)], ['2026-10-20T14:00:00', usb(3)],
      ]));
      const risk = new RiskService({ repos: server.store.repos, policy: { current: server.policy.current, onChange: () => () => undefined } });
      await risk.start();
      await risk.stop();
      const kimuraDay = (await server.store.repos.risk.personDays('kimura', dayNumber('2026-10-17'), dayNumber('2026-10-17')))[0]!;
      const tanakaPeak = Math.max(...(await server.store.repos.risk.personDays('tanaka', dayNumber('2026-10-01'), dayNumber('2026-10-31'))).map((d) => d.score));

      server.clock.now = Date.UTC(2026, 10, 3);
      const auditor = await server.as('carol', 'auditor');
      const make = async (template: string) => {
        const res = await server.app.inject({ method: 'POST', url: '/api/reports', headers: auditor, payload: { template, from: '2026-10-01', to: '2026-10-31' } });
        expect(res.statusCode, res.body).toBe(201);
        const { report } = res.json() as { report: { id: number; totals: Record<string, number | null> } };
        const csv = (await server.app.inject({ url: `/api/reports/${report.id}/csv`, headers: auditor })).body;
        const rows = (parse(csv, { bom: true }) as string[][]).filter((cells) => cells[0] === 'risk_scores' && cells[5] !== 'total');
        return { report, csv, rows, pdf: (await server.app.inject({ url: `/api/reports/${report.id}/pdf`, headers: auditor })).rawPayload };
      };

      const monthly = await make('monthly');
      expect(monthly.report.totals.risk_scores).toBe(kimuraDay.score >= server.policy.current.risk.alerts.threshold ? 1 : 0);
      expect(monthly.rows).toHaveLength(2);
      const [first, second] = monthly.rows;
      // item, period, scope, pc, user, category (breakdown), detail, count (peak score)
      expect(first!.slice(3, 5)).toEqual(['SALES-01', 'kimura']);
      // Largest first: the Saturday-night weighting outweighs the upload itself.
      const breakdown = first![5]!.split('; ').map((part) => part.split(' '));
      expect(breakdown.map(([indicator]) => indicator)).toEqual(['timing.non_working_day', 'vector.cloud_upload']);
      expect(breakdown.map(([, points]) => Number(points))).toEqual(kimuraDay.contributions.map((c) => Math.round(c.points * 10) / 10));
      expect(first![6]).toMatch(/^2026-10-17: 2 of the day's transfers on a non-working day/);
      expect(Number(first![7])).toBe(Math.round(kimuraDay.score * 10) / 10);
      expect(second!.slice(3, 5)).toEqual(['ACCT-01', 'tanaka']);
      expect(Number(second![7])).toBe(Math.round(tanakaPeak * 10) / 10);
      const pdfPath = join(dir, 'monthly.pdf');
      writeFileSync(pdfPath, monthly.pdf);
      const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
      expect(text).toContain('リスクスコア上位');
      expect(text).toMatch(/SALES-01\s+kimura/);

      // Accounting's PCs only: kimura (SALES-01) is not in scope.
      const accounting = await make('accounting');
      expect(accounting.rows.map((cells) => cells[4])).toEqual(['tanaka']);

      // The privacy switch: names become pseudonyms in the report too.
      const sources = policyWithReports(reportsYaml).map((s) => (s.name === 'risk.yaml' ? { ...s, text: s.text.replace('pseudonymise: false', 'pseudonymise: true') } : s));
      await server.policy.publish(sources, 'test');
      expect(server.policy.current.risk.privacy.pseudonymise).toBe(true);
      const pseudonymous = await make('monthly');
      const secret = await server.store.repos.risk.pseudonymSecret();
      expect(pseudonymous.rows.map((cells) => cells[4])).toEqual([pseudonymOf(secret, 'kimura'), pseudonymOf(secret, 'tanaka')]);
      expect(pseudonymous.csv).not.toContain('kimura');
    } finally {
      await server.close();
    }
  });
});
