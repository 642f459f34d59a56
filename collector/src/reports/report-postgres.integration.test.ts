import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { PostgresCollectorStore, type CollectorStore } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RiskService } from '../risk/risk-service.ts';
import { buildReportFiles } from './build-files.ts';
import { findJapaneseFont } from './fonts.ts';
import { generateReport } from './generate.ts';

// Inspection reports on PostgreSQL (store/postgres/repositories/reports.ts) against a real PostgreSQL 15 started
// here: the shipped monthly report over the same evidence, projected by each store, is the same report on SQLite
// and on PostgreSQL — same CSV bytes, same totals — and finds the events of every item; generating it stores the
// report, its files and its audit entry in PostgreSQL.
const available = ensurePostgres();
const jst = 9 * 3_600_000;
const fromMs = Date.UTC(2026, 9, 1) - jst; // October 2026 in Tokyo
const toMs = Date.UTC(2026, 10, 1) - jst;
const pcs = ['PC-ACCT-01', 'PC-SALES-02'];

/** A month of varied evidence per PC: USB copies and mounts, blocked devices, prints (some large, some cancelled), mails, uploads, agent stops. */
function monthOf(pc: string, offset: number): Event[] {
  const agentId = `agent-${pc}`;
  const user = offset === 0 ? 'tanaka' : 'suzuki';
  const events: Event[] = [];
  for (let i = 0; i < 60; i += 1) {
    // Mostly office hours on weekdays; every fifth event at 23:00 local (off hours).
    const day = Math.floor(i / 2);
    const timeMs = fromMs + day * 86_400_000 + (i % 5 === 4 ? 23 : 10 + (i % 2)) * 3_600_000 + offset * 60_000;
    const base = { seq: i + 1, timeMs, agentId, pc, user };
    const name = `見積書-${pc}-${i}.xlsx`;
    switch (i % 8) {
      case 0: events.push({ ...base, fileCopy: { destinationPath: `/media/usb/${name}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2_048 + i, sha256: 'ab'.repeat(32), operation: 'created', device: { vendorId: '0781', productId: '5583', serial: `SN-${i % 3}` } } }); break;
      case 1: events.push({ ...base, device: { action: i % 3 ? 'MOUNTED' : 'BLOCKED', device: { vendorId: '0781', productId: '5583', serial: `SN-${i % 3}` } } }); break;
      case 2: events.push({ ...base, printJob: { jobId: i, documentName: name, printer: 'PRN-3F', pages: i % 3 ? 80 + i : 3, copies: 1, state: 'completed', spooler: 'cups', submittedMs: timeMs } }); break;
      case 3: events.push({ ...base, printJob: { jobId: i, documentName: name, printer: 'PRN-3F', pages: 2, copies: 1, state: 'canceled', action: 'cancelled', spooler: 'cups', submittedMs: timeMs } }); break;
      case 4: events.push({ ...base, mail: {
        messageId: `m-${pc}-${i}`, from: `${user}@example.co.jp`, to: [i % 3 ? 'someone@gmail.com' : 'boss@example.co.jp'], cc: [], bcc: [], subject: `件名 ${name}`,
        sizeBytes: 5_000, bodyExcerpt: 'body', verdict: 'relayed', rule: i % 3 === 1 ? 'mail.patterns.my_number' : '', malformed: false, upstreamResponse: '250 ok',
        attachments: [{ fileName: name, contentType: 'application/octet-stream', sizeBytes: 4_000, sha256: 'cd'.repeat(32), inline: false }],
      } }); break;
      case 5: events.push({ ...base, upload: {
        pageUrl: 'https://drive.google.com/', destinationHost: i % 3 ? 'drive.google.com' : 'intra.example.co.jp', destinationUrl: 'https://drive.google.com/upload',
        fileName: name, sizeBytes: 3_000, sha256: 'ef'.repeat(32), method: 'input', category: i % 3 ? 'personal_cloud' : 'organisation', browser: 'chrome',
      } }); break;
      case 6: events.push({ ...base, lifecycle: { kind: i % 3 ? 'STOPPED' : 'STARTED', agentVersion: '1.0.0', detail: 'stopped by someone' } }); break;
      default: events.push({ ...base, mail: {
        messageId: `b-${pc}-${i}`, from: `${user}@example.co.jp`, to: ['x@example.org'], cc: [], bcc: [], subject: 'blocked', sizeBytes: 100, bodyExcerpt: '',
        verdict: 'blocked', rule: 'mail.patterns.credit_card', malformed: false, upstreamResponse: '', attachments: [],
      } });
    }
  }
  return events;
}

async function fill(store: CollectorStore): Promise<void> {
  const policy = loadPolicyDir(defaultPolicyDir);
  const risk = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined }, now: () => toMs });
  await risk.start();
  for (const [offset, pc] of pcs.entries()) {
    const agentId = `agent-${pc}`;
    await store.createAgent({ id: agentId, pc, hardwareId: agentId, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: fromMs, previousAgentId: null });
    const events = monthOf(pc, offset);
    await store.appendBatch({
      agentId, firstSeq: 1, lastSeq: events.length, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
      events: events.map((event) => {
        const bytes = encodeEvent(event);
        return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
      }),
    }, Date.now());
    await store.recordIntegrityFinding({ agentId, pc, timeMs: fromMs + 3 * 86_400_000, kind: 'chain_break', detail: 'seq 7' });
  }
  await risk.take((await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
  await risk.stop();
  await store.appendAudit({ timeMs: fromMs + 1_000, actor: 'alice', action: 'policy.publish', entry: { pc: 'PC-ACCT-01' } });
}

describe.skipIf(!available)('inspection reports on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  }, 300_000);

  it('makes the same monthly report as SQLite from the same evidence, finding the events of every item, and stores it with its audit entry', async () => {
    const sqlite = new SqliteStore(':memory:');
    const postgres = new PostgresCollectorStore(await PostgresStore.connect({ url: await server.createDatabase('reports') }));
    try {
      await fill(sqlite);
      await fill(postgres);
      const policy = loadPolicyDir(defaultPolicyDir);
      const request = { policy, template: 'monthly_inspection', fromMs, toMs, generatedMs: toMs, fontPath: findJapaneseFont() };
      const onSqlite = await buildReportFiles(sqlite.repos.reports, request);
      const onPostgres = await buildReportFiles(postgres.repos.reports, request);
      expect(onPostgres.totals).toEqual(onSqlite.totals);
      expect(onPostgres.csv.toString('utf8')).toEqual(onSqlite.csv.toString('utf8'));
      expect(onPostgres.scope).toEqual(onSqlite.scope);
      // Every item found what was planted (counts per the generator above, both PCs).
      expect(onPostgres.totals).toMatchObject({
        usb_use: 16, blocked_attempts: expect.any(Number), external_mail_attachments: 10, personal_storage_uploads: 10, large_prints: 12,
        content_findings: expect.any(Number), tamper_and_stops: expect.any(Number), admin_actions: 1,
      });
      // risk_scores' headline counts people past the alert threshold (none here); its rows list the people scored.
      for (const [item, total] of Object.entries(onPostgres.totals)) if (item !== 'risk_scores') expect(total, item).not.toBe(0);
      const csvItems = new Set(onPostgres.csv.toString('utf8').split('\n').slice(1).map((line) => line.split(',')[0]));
      expect([...csvItems]).toEqual(expect.arrayContaining(Object.keys(onPostgres.totals)));
      expect(onPostgres.csv.toString('utf8')).toContain('PC-SALES-02');

      const context = {
        repos: postgres.repos, store: postgres, policy: () => policy, now: () => toMs + 60_000, fontPath: findJapaneseFont(),
        mail: { from: 'mamori@example.co.jp', publicUrl: () => 'https://mamori.example.co.jp' },
      };
      const stored = (await generateReport(context, { template: 'monthly_inspection', fromMs, toMs, periodKind: 'monthly', actor: 'system:scheduler', nextFromMs: toMs }))!;
      expect(stored.totals).toEqual(onSqlite.totals);
      expect(await postgres.repos.reports.get(stored.id)).toEqual(stored);
      expect((await postgres.repos.reports.list({ limit: 10 })).map((r) => r.id)).toEqual([stored.id]);
      expect((await postgres.repos.reports.file(stored.id, 'csv'))!.equals(onPostgres.csv)).toBe(true);
      expect(await postgres.repos.reports.scheduleCursor('monthly_inspection')).toEqual({ periodKind: 'monthly', nextFromMs: toMs });
      expect(await postgres.repos.reports.scheduledExists('monthly_inspection', 'monthly', fromMs)).toBe(true);
      // The same period again (another collector, a restart): not made twice.
      expect(await generateReport(context, { template: 'monthly_inspection', fromMs, toMs, periodKind: 'monthly', actor: 'system:scheduler', nextFromMs: toMs })).toBeUndefined();
      const audit = (await postgres.listAudit(10)).find((a) => a.action === 'report.generate');
      expect(audit?.id).toBe(stored.auditId);
      expect(audit?.entry).toMatchObject({ template: 'monthly_inspection' });
      expect(JSON.stringify(audit?.entry)).toContain(stored.csvSha256);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  }, 300_000);
});
