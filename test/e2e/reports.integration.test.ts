// Inspection reports end to end: a month of events for six PCs stored through ingest's path and projected, a
// monthly report made through the API, and its numbers checked against counts this test computes itself from the
// seeded events (plain filters over the Event objects, Tokyo wall-clock arithmetic; nothing from the report code).
// The PDF is read back with Debian's pdftotext; the hashes are looked up in the audit chain; the mail is received
// by a real SMTP server with both files attached; the review rule is exercised through the HTTP API.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { Notifier } from '../../collector/src/notify/notifier.ts';
import { SmtpMailTransport } from '../../collector/src/notify/mail-transport.ts';
import { reportTestServer, type ReportTestServer } from '../../collector/src/reports/test-support.ts';
import { storeEvents } from '../../collector/src/store/sqlite/test-support.ts';
import { tempDir } from '../harness/collector.ts';
import { SmtpInbox } from '../harness/smtp-inbox.ts';
import { ensureDebianFiles, ensureDebianPackages } from '../harness/system-packages.ts';

ensureDebianPackages(['poppler-utils'], ['pdftotext']);
ensureDebianFiles(['fonts-ipaexfont-gothic'], ['/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf']);

const hour = 3_600_000;
const jst = 9 * hour; // Asia/Tokyo has no DST: local time = UTC + 9 h
const octFrom = Date.UTC(2026, 9, 1) - jst;
const octTo = Date.UTC(2026, 10, 1) - jst;
const holidays = new Set(['2026-10-12']); // the shipped calendar's October holiday (Sports Day)
const pcs = ['ACCT-01', 'ACCT-02', 'ACCT-03', 'SALES-01', 'SALES-02', 'SALES-03'];
const users = ['tanaka', 'suzuki', 'sato', 'ito'];

const reportsYaml = `reports:
  templates:
    monthly:
      title: 月次ログ点検報告書
      schedule: none
      timezone: Asia/Tokyo
      items: [usb_use, blocked_attempts, off_hours, external_mail_attachments, personal_storage_uploads, large_prints,
        content_findings, risk_scores, tamper_and_stops, admin_actions]
      recipients: [audit@example.co.jp]
      top: 10
    accounting:
      title: 経理部 点検報告書
      timezone: Asia/Tokyo
      scope: { pcs: ["ACCT-*"] }
      items: [usb_use, off_hours, blocked_attempts]
`;

let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** One event of a random kind at `timeMs` (payload shapes as the agent's sensors send them). */
function randomEvent(timeMs: number, pc: string, user: string): Partial<Event> {
  const n = Math.floor(random() * 1_000);
  switch (Math.floor(random() * 9)) {
    case 0: return { fileCopy: { destinationPath: `/media/usb/見積書-${n}.xlsx`, destinationKind: pick(['removable', 'removable', 'cloud_sync']), destinationRoot: '/media/usb', sizeBytes: 1000 + n, sha256: 'ab'.repeat(32), operation: 'created', device: { serial: pick(['SN1', 'SN2']) } } };
    case 1: return { device: { action: pick(['MOUNTED', 'BLOCKED', 'ATTACHED']), device: { vendorId: '0781', productId: '5583', serial: pick(['SN1', 'SN2']) } } };
    case 2: return { printJob: { jobId: n, documentName: `顧客名簿-${n}.pdf`, printer: 'PRN-3F', jobUser: user, pages: pick([3, 12, 51, 50, 120]), copies: 1, state: 'completed', action: pick(['logged', 'logged', 'cancelled', 'held']), submittedMs: timeMs } };
    case 3: {
      const to = pick([['kyaku@gmail.com'], ['bucho@example.co.jp'], ['x@mail.example.co.jp', 'y@partner.jp']]);
      const verdict = pick(['relayed', 'relayed', 'warned', 'blocked']);
      const rule = pick(['', '', 'mail.patterns.my_number', 'mail.patterns.confidential,mail.external_attachments']);
      const attachments = pick([[], [{ fileName: '売上.xlsx', sizeBytes: 5000, inline: false }], [{ fileName: 'logo.png', sizeBytes: 100, inline: true }]]);
      return { mail: { subject: `件名 ${n}`, from: `${user}@example.co.jp`, to, verdict, rule, attachments, sizeBytes: 6000 } };
    }
    case 4: return { upload: { fileName: `売上-${n}.xlsx`, destinationHost: pick(['drive.google.com', 'www.dropbox.com', 'intra.example.co.jp']), category: pick(['personal_cloud', 'personal_cloud', 'organisation']), sizeBytes: 3000 + n } };
    case 5: return { lifecycle: { kind: pick(['STARTED', 'STOPPED', 'UNINSTALLED', 'POLICY_APPLIED']), agentVersion: '1.0.0' } };
    case 6: return { policyDecision: { subject: 'device', decision: 'block', rule: 'device.default' } };
    default: return { inventory: { hostname: pc } };
  }
}

/** A month of events per PC, plus a few just outside it (the period must cut them off). */
function seedMonth(): Map<string, Event[]> {
  const byPc = new Map<string, Event[]>();
  for (const pc of pcs) {
    const times: number[] = [octFrom - 20 * 60_000, octTo + 10 * 60_000];
    for (let day = 0; day < 31; day += 1) for (let i = 0; i < 14; i += 1) times.push(octFrom + day * 24 * hour + Math.floor(random() * 24 * hour));
    times.sort((a, b) => a - b);
    byPc.set(pc, times.map((timeMs, i) => {
      const user = pick(users);
      return { seq: i + 1, timeMs, agentId: `agent-${pc}`, pc, user, ...randomEvent(timeMs, pc, user) };
    }));
  }
  return byPc;
}

/** Off-hours by the shipped calendar (Mon–Fri 08:00–19:00 Tokyo, holidays off), computed from wall-clock parts. */
function isOffHours(timeMs: number): boolean {
  const local = new Date(timeMs + jst);
  const weekday = local.getUTCDay();
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return weekday === 0 || weekday === 6 || holidays.has(local.toISOString().slice(0, 10)) || minutes < 8 * 60 || minutes >= 19 * 60;
}

function expectedCounts(events: Event[], auditEntriesInOctober: number, findingsInOctober: number) {
  const inMonth = events.filter((e) => Number(e.timeMs) >= octFrom && Number(e.timeMs) < octTo);
  const external = (address: string) => !/@(.+\.)?example\.co\.jp$/i.test(address);
  const logged = (e: Event) => Boolean(e.fileCopy || e.printJob || e.mail || e.upload || e.device || e.policyDecision);
  return {
    usb_use: inMonth.filter((e) => e.fileCopy?.destinationKind === 'removable').length,
    blocked_attempts: inMonth.filter((e) => e.device?.action === 'BLOCKED' || e.mail?.verdict === 'blocked'
      || e.printJob?.action === 'cancelled' || e.printJob?.action === 'held').length,
    off_hours: inMonth.filter((e) => logged(e) && isOffHours(Number(e.timeMs))).length,
    external_mail_attachments: inMonth.filter((e) => e.mail && ['relayed', 'warned'].includes(e.mail.verdict!)
      && (e.mail.attachments ?? []).some((a) => !a.inline) && (e.mail.to ?? []).some(external)).length,
    personal_storage_uploads: inMonth.filter((e) => e.upload?.category === 'personal_cloud').length,
    large_prints: inMonth.filter((e) => (e.printJob?.pages ?? 0) > 50).length,
    content_findings: inMonth.filter((e) => e.mail?.rule?.includes('mail.patterns.')).length,
    // This server runs no risk scoring, so nobody has a score (collector/src/reports/risk-item.integration.test.ts
    // checks the item against scored people).
    risk_scores: 0,
    tamper_and_stops: findingsInOctober + inMonth.filter((e) => ['STOPPED', 'UNINSTALLED'].includes(String(e.lifecycle?.kind))).length,
    admin_actions: auditEntriesInOctober,
  };
}

describe('inspection reports', () => {
  const dir = tempDir('reports');
  let server: ReportTestServer;
  let inbox: SmtpInbox;
  const seeded = seedMonth();
  const all = [...seeded.values()].flat();
  // alice (admin) acts in October; carol (auditor) does not.
  const aliceActions = [Date.UTC(2026, 9, 3, 1), Date.UTC(2026, 9, 17, 5), Date.UTC(2026, 9, 30, 9)];
  const findings = [{ pc: 'SALES-02', timeMs: Date.UTC(2026, 9, 9), count: 3 }, { pc: 'ACCT-01', timeMs: Date.UTC(2026, 9, 20), count: 1 }];
  let expected: ReturnType<typeof expectedCounts>;
  let monthly: { id: number; pdfSha256: string; csvSha256: string; auditId: number; totals: Record<string, number | null> };
  let pdf: Buffer;
  let csv: string;

  beforeAll(async () => {
    inbox = new SmtpInbox();
    await inbox.start();
    server = await reportTestServer(join(dir, 'collector.db'), { startMs: Date.UTC(2026, 8, 20), reportsYaml, pcs });
    for (const [pc, events] of seeded) await storeEvents(server.store, `agent-${pc}`, events, Date.UTC(2026, 10, 1));
    for (const f of findings) await server.store.recordIntegrityFinding({ agentId: `agent-${f.pc}`, pc: f.pc, timeMs: f.timeMs, kind: 'chain_break', detail: 'test', count: f.count });
    await server.store.recordIntegrityFinding({ agentId: 'agent-ACCT-01', pc: 'ACCT-01', timeMs: octTo + hour, kind: 'fork', detail: 'after the period' });
    for (const timeMs of aliceActions) await server.store.appendAudit({ timeMs, actor: 'alice', action: 'exception.create', entry: { pc: 'ACCT-02' } });
    await server.store.appendAudit({ timeMs: octTo + hour, actor: 'alice', action: 'token.create', entry: {} }); // November: not covered
    expected = expectedCounts(all, aliceActions.length, findings.reduce((n, f) => n + f.count, 0));

    server.clock.now = Date.UTC(2026, 10, 3);
    const auditor = await server.as('carol', 'auditor');
    const res = await server.app.inject({ method: 'POST', url: '/api/reports', headers: auditor, payload: { template: 'monthly', from: '2026-10-01', to: '2026-10-31' } });
    expect(res.statusCode, res.body).toBe(201);
    monthly = res.json().report;
    pdf = (await server.app.inject({ url: `/api/reports/${monthly.id}/pdf`, headers: auditor })).rawPayload;
    csv = (await server.app.inject({ url: `/api/reports/${monthly.id}/csv`, headers: auditor })).body;
  });

  afterAll(async () => {
    await server?.close();
    await inbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every inspection item as computed independently from the seeded month', () => {
    expect(expected.usb_use).toBeGreaterThan(20); // the seed exercises every item
    expect(expected.off_hours).toBeGreaterThan(50);
    expect(monthly.totals).toEqual(expected);
    const totals = Object.fromEntries(csv.replace(/^\uFEFF/, '').split('\r\n').map((line) => line.split(','))
      .filter((cells) => cells[5] === 'total').map((cells) => [cells[0], Number(cells[7])]));
    expect(totals).toEqual(Object.fromEntries(Object.entries(expected).filter(([, n]) => n !== null)));
    expect(csv).toContain('risk_scores,2026-10-01〜2026-10-31,全PC,,,total,,0,,');
  });

  it('breaks USB use down by PC and user, as the seeded events do', () => {
    const rows = csv.split('\r\n').map((line) => line.split(',')).filter((c) => c[0] === 'usb_use' && c[5] === 'copy');
    const fromSeed = new Map<string, number>();
    for (const e of all) {
      if (e.fileCopy?.destinationKind !== 'removable' || Number(e.timeMs) < octFrom || Number(e.timeMs) >= octTo) continue;
      const key = `${e.pc}/${e.user}`;
      fromSeed.set(key, (fromSeed.get(key) ?? 0) + 1);
    }
    expect(new Map(rows.map((c) => [`${c[3]}/${c[4]}`, Number(c[7])]))).toEqual(fromSeed);
  });

  it('a scoped report covers only the PCs of its pattern', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/reports', headers: await server.as('carol', 'auditor'), payload: { template: 'accounting', from: '2026-10-01', to: '2026-10-31' } });
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json().report;
    const acct = all.filter((e) => e.pc!.startsWith('ACCT-'));
    const mine = expectedCounts(acct, 0, 0);
    expect(report.totals).toEqual({ usb_use: mine.usb_use, off_hours: mine.off_hours, blocked_attempts: mine.blocked_attempts });
    expect(report.scope.description).toBe('PC名 ACCT-*（3台）');
  });

  it('the PDF embeds a Japanese font and pdftotext reads the headings, period, scope, page numbers and numbers', () => {
    const file = join(dir, 'monthly.pdf');
    writeFileSync(file, pdf);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/IPAexGothic\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const heading of ['月次ログ点検報告書', '目次', 'USB利用状況（PC・利用者別）', 'ブロックされた操作', '業務時間外の操作', '添付ファイル付き社外メール',
      '個人向けクラウドストレージへのアップロード', '大量印刷', '内容検査の検出', 'リスクスコア上位', '改ざん検知とエージェント停止', '管理者の操作（監査ログ）']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain(`USBへコピーされたファイル数: ${expected.usb_use.toLocaleString('en-US')}`);
    expect(text).toContain(`時間外の操作件数: ${expected.off_hours.toLocaleString('en-US')}`);
    expect(text).toContain(`ブロック件数: ${expected.blocked_attempts.toLocaleString('en-US')}`);
    expect(text).toContain(`大量印刷ジョブ数: ${expected.large_prints.toLocaleString('en-US')}`);
    expect(text).toContain(`監査ログの記録数: ${expected.admin_actions.toLocaleString('en-US')}`);
    expect(text).toContain('アラートのしきい値に達した人数: 0'); // no risk scoring runs on this server
    const pages = text.split('\f').filter((p) => p.trim().length > 0);
    expect(pages.length).toBeGreaterThanOrEqual(12); // cover, contents, ten items
    pages.forEach((page, i) => {
      expect(page).toContain('期間: 2026-10-01〜2026-10-31');
      expect(page).toContain('範囲: 全PC');
      expect(page).toContain(`${i + 1} / ${pages.length} ページ`);
    });
    // The contents list each item with the page its section starts on.
    const usbPage = pages.findIndex((p) => p.includes('1. USB利用状況（PC・利用者別）') && !p.includes('目次')) + 1;
    expect(pages[1]).toMatch(new RegExp(`1\\. USB利用状況（PC・利用者別）.*\\s${usbPage}\\s*$`, 'm'));
  });

  it("writes the report's SHA-256 into the audit chain", async () => {
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(monthly.pdfSha256);
    expect(createHash('sha256').update(Buffer.from(csv, 'utf8')).digest('hex')).toBe(monthly.csvSha256);
    const entry = (await server.store.listAudit(1_000)).find((e) => e.id === monthly.auditId);
    expect(entry).toMatchObject({ actor: 'carol', action: 'report.generate', entry: { template: 'monthly', pdfSha256: monthly.pdfSha256, csvSha256: monthly.csvSha256 } });
    expect(await server.store.repos.audit.verifyChain()).toMatchObject({ ok: true });
  });

  it('mails the report with its PDF and CSV attached through the outbox', async () => {
    const notifier = new Notifier({
      notify: server.store.repos.notify, transport: new SmtpMailTransport({ host: '127.0.0.1', port: inbox.port, secure: false, from: 'mamori@example.co.jp' }),
      from: 'mamori@example.co.jp', tickMs: 50,
    }, server.policy.current.notifications);
    try {
      await notifier.deliver();
    } finally {
      await notifier.stop();
    }
    const mail = inbox.mails.find((m) => m.to.includes('audit@example.co.jp'));
    expect(mail?.subject).toBe('[Mamori] 月次ログ点検報告書 2026-10-01〜2026-10-31');
    expect(mail?.text).toContain(`PDF SHA-256: ${monthly.pdfSha256}`);
    const attached = new Map(mail!.attachments.map((a) => [a.fileName.split('.').at(-1), createHash('sha256').update(a.content).digest('hex')]));
    expect(attached).toEqual(new Map([['pdf', monthly.pdfSha256], ['csv', monthly.csvSha256]]));
  });

  it('refuses a review by an admin whose actions the report covers; another auditor reviews, audited', async () => {
    const byAlice = await server.app.inject({ method: 'POST', url: `/api/reports/${monthly.id}/review`, headers: await server.as('alice', 'admin'), payload: { note: 'looked fine' } });
    expect(byAlice.statusCode).toBe(403);
    expect(byAlice.json()).toMatchObject({ error: 'COLLECTOR_REPORT_SELF_REVIEW' });
    const byOperator = await server.app.inject({ method: 'POST', url: `/api/reports/${monthly.id}/review`, headers: await server.as('olga', 'operator'), payload: { note: 'x' } });
    expect(byOperator.json()).toMatchObject({ error: 'COLLECTOR_FORBIDDEN' });

    const carol = await server.as('carol', 'auditor');
    const ok = await server.app.inject({ method: 'POST', url: `/api/reports/${monthly.id}/review`, headers: carol, payload: { note: '3件の例外作成を確認済み' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().report.review).toMatchObject({ reviewer: 'carol', reviewerRole: 'auditor', note: '3件の例外作成を確認済み' });
    const audit = (await server.store.listAudit(10)).find((e) => e.action === 'report.review');
    expect(audit).toMatchObject({ actor: 'carol', entry: { reportId: monthly.id, pdfSha256: monthly.pdfSha256, note: '3件の例外作成を確認済み' } });
    const again = await server.app.inject({ method: 'POST', url: `/api/reports/${monthly.id}/review`, headers: carol, payload: { note: 'again' } });
    expect(again.json()).toMatchObject({ error: 'COLLECTOR_REPORT_REVIEWED' });
    const listed = (await server.app.inject({ url: '/api/reports', headers: carol })).json().reports;
    expect(listed.find((r: { id: number }) => r.id === monthly.id).review.reviewer).toBe('carol');
  });
});
