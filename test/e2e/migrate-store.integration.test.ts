import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorCli } from '@mamori/collector';
import type { RunningAgent } from '@mamori/agent';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { InProcessAgent, ScriptedAgent } from '../harness/scripted-agent.ts';
import { initTestCollector, startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../harness/postgres.ts';

// `migrate-store` on real data: a collector on SQLite receives a real agent's signed, sealed events (print jobs, a
// mail with an attachment, a file copy), raises alerts and audits admin actions; the store is copied into a real
// PostgreSQL 15 (Debian), verified there, and a collector started on the copy takes the same agent on from its next
// seq. Under CI=true ensurePostgres installs the package or throws: this suite never skips there.
const available = ensurePostgres();

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

interface Summary {
  ok: boolean;
  tables: { table: string; source: number; target: number }[];
  agents: { agentId: string; events: number; ok: boolean }[];
  audit: { entries: number; ok: boolean };
  problems: string[];
}

function recordMixedEvents(agent: RunningAgent, from: number, count: number): void {
  for (let i = from; i < from + count; i += 1) agent.recorder.record(sampleEvent(i));
  agent.recorder.record({ user: 'tanaka', mail: { messageId: `<m${from}@x>`, from: 'tanaka@city.example', to: ['a@gmail.example'], cc: [], bcc: [],
    subject: `住民一覧 ${from}`, sizeBytes: 900, verdict: 'blocked', rule: 'mail.external',
    attachments: [{ fileName: `list-${from}.csv`, contentType: 'text/csv', sizeBytes: 800, sha256: 'cd'.repeat(32), inline: false }] } });
  agent.recorder.record({ user: 'tanaka', fileCopy: { destinationPath: `/media/usb/見積書-${from}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb',
    sizeBytes: 2048, sha256: 'ab'.repeat(32), operation: 'created' } });
}

describe.skipIf(!available)('migrate-store: SQLite store → PostgreSQL', () => {
  let server: PostgresServer;
  let dataDir: string;
  let adminPassword: string;
  let stateDir: string;
  let agentId: string;
  let grpcPort: number;
  let lastSeqOnSqlite: number;
  let url: string;
  let db: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    ({ dataDir, adminPassword } = await initTestCollector());
    const c = await startTestCollector({ dataDir, adminPassword });
    grpcPort = c.grpcPort;
    stateDir = await enrollTestAgent(await c.token(), { hostname: 'PC-MIGRATE-01' });
    const agent = await runTestAgent(stateDir);
    agentId = agent.identity.agentId;
    // ~1,200 printed pages by tanaka cross the default large_print_day threshold (300 a day): alerts on SQLite.
    recordMixedEvents(agent, 0, 300);
    expect(await agent.uplink.drained(60_000)).toBe(true);
    await waitFor(async () => (await c.app.store.repos.alerts.list({ limit: 10 })).length > 0, 30_000, 'an alert on SQLite');
    await waitFor(() => (c.app.store.db.prepare('SELECT COUNT(*) AS n FROM mails').get() as { n: number }).n === 1, 30_000, 'the mail projected on SQLite');
    // Risk data people entered (a departure list) moves with the store; the scores are recomputed there.
    await c.app.store.repos.risk.replaceDeparting([{ user: 'sato', noticeDay: 20_000, lastDay: 20_030 }], Date.now());
    // So do an upload exception in force and a risk digest subscription (local to one collector until issue 14).
    await c.app.store.repos.uploadExceptions.create({
      id: 'upx_migrated', pc: 'PC-MIGRATE-01', user: null, category: null, domain: 'files.example.co.jp', untilMs: Date.now() + 86_400_000,
      reason: 'partner delivery', createdBy: 'admin', createdMs: Date.now(),
    });
    await c.app.store.repos.riskDigest.subscribe({ email: 'bucho@example.co.jp', department: '', createdBy: 'admin', createdMs: Date.now() });
    await stopBoth(c, agent);
    // Stopping journals a lifecycle event of its own: the head is what the store holds once both stopped.
    lastSeqOnSqlite = await countSqliteEvents();
    url = await server.createDatabase('migrated');
    db = new pg.Client({ connectionString: url });
    await db.connect();
  }, 120_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await server?.stop();
  });

  async function countSqliteEvents(): Promise<number> {
    const sqlite = new Database(join(dataDir, 'collector.db'), { readonly: true });
    try {
      return (sqlite.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      sqlite.close();
    }
  }

  async function stopBoth(c: TestCollector, agent: RunningAgent): Promise<void> {
    await agent.stop();
    await c.close();
  }

  it('copies every table, then verifies counts, the agent chain and the audit chain in PostgreSQL', async () => {
    // Small batches and verify windows, so several of each run (and the windows must chain to each other).
    const run = await cli(['-d', dataDir, 'migrate-store', '--to', url, '--batch-rows', '97', '--verify-window', '50', '--json']);
    expect(run.err).toContain('copy events:');
    expect(run.code, run.err).toBe(0);
    const summary = JSON.parse(run.out) as Summary;
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    const count = (table: string) => summary.tables.find((t) => t.table === table);
    expect(count('events')).toEqual({ table: 'events', source: lastSeqOnSqlite, target: lastSeqOnSqlite });
    for (const table of ['agents', 'batches', 'seal_seeds', 'users', 'audit_log', 'policy_versions', 'print_jobs', 'mails', 'mail_attachments', 'file_copies', 'alerts', 'alert_events', 'log_entries']) {
      expect(count(table)!.source, table).toBeGreaterThan(0);
      expect(count(table)!.target, table).toBe(count(table)!.source);
    }
    expect(summary.agents).toEqual([{ agentId, pc: 'PC-MIGRATE-01', events: lastSeqOnSqlite, ok: true }]);
    expect(summary.audit.ok).toBe(true);
    expect(count('risk_departing')).toEqual({ table: 'risk_departing', source: 1, target: 1 });
    expect(count('risk_secret')!.target).toBe(count('risk_secret')!.source);
    expect((await db.query('SELECT user_name FROM risk_departing')).rows).toEqual([{ user_name: 'sato' }]);
    for (const table of ['upload_exceptions', 'upload_exception_changes', 'risk_digest_subscriptions']) expect(count(table), table).toEqual({ table, source: 1, target: 1 });
    expect((await db.query('SELECT email FROM risk_digest_subscriptions')).rows).toEqual([{ email: 'bucho@example.co.jp' }]);

    // The evidence is byte for byte what SQLite held, and the sealed events kept their seals.
    const sqlite = new Database(join(dataDir, 'collector.db'), { readonly: true });
    const fromSqlite = sqlite.prepare('SELECT id, seq, hash, bytes, seal FROM events ORDER BY id').all() as { id: number; seq: number; hash: Buffer; bytes: Buffer; seal: Buffer | null }[];
    sqlite.close();
    const fromPostgres = (await db.query<{ id: string; seq: string; hash: Buffer; bytes: Buffer; seal: Buffer | null }>('SELECT id, seq, hash, bytes, seal FROM events ORDER BY id')).rows
      .map((r) => ({ id: Number(r.id), seq: Number(r.seq), hash: r.hash, bytes: r.bytes, seal: r.seal }));
    expect(fromPostgres).toEqual(fromSqlite);
    expect(fromSqlite.every((e) => e.seal !== null)).toBe(true);
    // Mail search works on the copy: search_text was derived as PostgreSQL's projector writes it.
    expect((await db.query("SELECT COUNT(*)::int AS n FROM mails WHERE search_text LIKE '%list-0.csv%'")).rows[0].n).toBe(1);
  }, 120_000);

  it('refuses to copy into a database that already holds data, in one line, and leaves it untouched', async () => {
    const before = (await db.query('SELECT COUNT(*)::int AS n FROM events')).rows[0].n as number;
    const again = await cli(['-d', dataDir, 'migrate-store', '--to', url]);
    expect(again.code).toBe(1);
    expect(again.err.trim().split('\n').at(-1)).toMatch(/^mamori-collector: the target PostgreSQL database already holds data.*agents: 1 rows/);
    expect((await db.query('SELECT COUNT(*)::int AS n FROM events')).rows[0].n).toBe(before);
  }, 60_000);

  it('refuses wrong flags plainly', async () => {
    const badUrl = await cli(['-d', dataDir, 'migrate-store', '--to', 'mysql://x@localhost/db']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.err).toMatch(/--to must be a postgres:\/\//);
    const closedPort = server.port === 1 ? 2 : 1;
    const unreachable = await cli(['-d', dataDir, 'migrate-store', '--to', `postgres://mamori:secret@127.0.0.1:${closedPort}/nowhere`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err.trim().split('\n').at(-1)).toMatch(/^mamori-collector: the configured PostgreSQL database cannot be reached: postgres:\/\/mamori:\*\*\*@127\.0\.0\.1/);
    expect(unreachable.err).not.toContain('secret');
    const noTarget = await cli(['-d', dataDir, 'migrate-store']);
    expect(noTarget.code).toBe(1);
    expect(noTarget.err).toMatch(/--to postgres:\/\/… is required/);
    const notSqlite = join(tempDir('not-sqlite'), 'x.db');
    writeFileSync(notSqlite, 'hello');
    const wrongFile = await cli(['-d', dataDir, 'migrate-store', '--from', notSqlite, '--to', url]);
    expect(wrongFile.code).toBe(1);
    expect(wrongFile.err).toMatch(/is not a SQLite database/);
    const unknown = await cli(['-d', dataDir, 'migrate-store', '--to', url, '--form', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown option '--form'/);
  });

  it('a collector on the copy takes the agent on from its next seq: nothing lost, nothing twice, nothing re-alerted', async () => {
    const alertsBefore = (await db.query('SELECT id FROM alerts ORDER BY id')).rows as { id: string }[];
    const linkedBefore = (await db.query('SELECT COUNT(*)::int AS n FROM alert_events')).rows[0].n as number;
    // What SQLite had projected (its query rows and alerts were copied): PostgreSQL must not project it again.
    const projectedOnSqlite = Number((await db.query('SELECT event_id FROM projection_cursor')).rows[0].event_id);
    expect(projectedOnSqlite).toBeGreaterThan(0);
    const file = join(dataDir, 'collector.yaml');
    const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    writeFileSync(file, stringify({ ...config, database: { postgres: { url } } }));
    const c = await startTestCollector({ dataDir, adminPassword, grpcPort });
    const agent = await runTestAgent(stateDir);
    try {
      // The upload exception copied into PostgreSQL is part of the PC's policy the collector there pushes.
      await waitFor(() => (agent.policy.current()?.upload_exceptions ?? []).some((e) => e.id === 'upx_migrated'), 30_000, 'the copied upload exception on the agent');
      recordMixedEvents(agent, 1_000, 50);
      expect(await agent.uplink.drained(60_000)).toBe(true);
      expect(agent.journal.lastSeq).toBeGreaterThanOrEqual(lastSeqOnSqlite + 52);
      const seqs = (await db.query<{ seq: string }>('SELECT seq FROM events WHERE agent_id = $1 ORDER BY seq', [agentId])).rows.map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: agent.journal.lastSeq }, (_, i) => i + 1));
      const head = (await db.query<{ last_seq: string }>('SELECT last_seq FROM agents WHERE id = $1', [agentId])).rows[0]!;
      expect(Number(head.last_seq)).toBe(agent.journal.lastSeq);
      // The projector on PostgreSQL resumed after the copied events: the new ones only, each once.
      await waitFor(async () => (await db.query('SELECT COUNT(*)::int AS n FROM export_order')).rows[0].n === agent.journal.lastSeq, 30_000, 'new events projected');
      expect((await db.query('SELECT COUNT(*)::int AS n FROM print_jobs')).rows[0].n).toBe(350);
      expect((await db.query('SELECT COUNT(*)::int AS n FROM mails')).rows[0].n).toBe(2);
      // The copied alerts are still there, and the old events were not handed to the alert rules again.
      const alertsAfter = (await db.query('SELECT id FROM alerts ORDER BY id')).rows as { id: string }[];
      expect(alertsAfter.slice(0, alertsBefore.length)).toEqual(alertsBefore);
      expect((await db.query('SELECT COUNT(*)::int AS n FROM alert_events WHERE event_id <= $1', [projectedOnSqlite])).rows[0].n).toBe(linkedBefore);
      // And the whole chain, old and new, verifies on PostgreSQL with the `export` + `verify` commands.
      const out = join(tempDir('migrated-export'), 'export.json');
      await c.close();
      const exported = await cli(['-d', dataDir, 'export', '--agent', agentId, '-o', out]);
      expect(exported.code, exported.err).toBe(0);
      const verified = await cli(['-d', dataDir, 'verify', out]);
      expect(verified.code, verified.out).toBe(0);
      expect(verified.out).toContain(`OK`);
    } finally {
      await agent.stop();
      await c.close().catch(() => undefined);
    }
  }, 120_000);

  it('refuses a SQLite table or column it has no place for, before writing anything', async () => {
    const dir = tempDir('drifted');
    const source = new Database(join(dataDir, 'collector.db'));
    await source.backup(join(dir, 'collector.db'));
    source.close();
    const drifted = new Database(join(dir, 'collector.db'));
    drifted.exec('ALTER TABLE print_jobs ADD COLUMN secret_note TEXT');
    drifted.close();
    const target = await server.createDatabase('migrated_drifted');
    const column = await cli(['-d', dataDir, 'migrate-store', '--from', join(dir, 'collector.db'), '--to', target]);
    expect(column.code).toBe(1);
    expect(column.err).toMatch(/has no place for; nothing was copied: SQLite column print_jobs\.secret_note has no PostgreSQL column/);
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    expect((await client.query('SELECT COUNT(*)::int AS n FROM agents')).rows[0].n).toBe(0);
    await client.end();

    const extra = new Database(join(dir, 'collector.db'));
    extra.exec('CREATE TABLE mystery (x TEXT)');
    extra.close();
    const table = await cli(['-d', dataDir, 'migrate-store', '--from', join(dir, 'collector.db'), '--to', target]);
    expect(table.code).toBe(1);
    expect(table.err).toMatch(/SQLite table mystery is neither copied nor known to stay local/);
  }, 120_000);

  it("an agent whose journal was reset verifies across its chain segment (anchored by the data dir's evidence key)", async () => {
    // As journal-segments.integration.test.ts: the journal deleted while stopped; the agent comes back numbering
    // from 1 and declares a journal_reset, which the collector records as a segment boundary with a signed anchor.
    let collector: TestCollector | undefined = await startTestCollector();
    const { dataDir: dir, grpcPort: port } = collector;
    const resetState = await enrollTestAgent(await collector.token(), { hostname: 'PC-RESET-01' });
    const before = await InProcessAgent.start(resetState);
    await before.ask('record before 5');
    expect(await before.ask('drain')).toBe('drained true');
    await before.stop();
    for (const file of ['journal.db', 'journal.db-wal', 'journal.db-shm']) rmSync(join(resetState, file), { force: true });
    await collector.close();
    const agent = await ScriptedAgent.start(resetState);
    try {
      // Generous answers: a child agent on this shared machine (load ~15) took over 20 s to answer once.
      await agent.ask('record offline 4', 60_000);
      collector = await startTestCollector({ dataDir: dir, grpcPort: port });
      await agent.ask('wait-connected', 60_000);
      await agent.ask('record online 3', 60_000);
      expect(await agent.ask('drain', 60_000)).toBe('drained true');
    } finally {
      await agent.kill();
      await collector.close();
    }
    const sqlite = new Database(join(dir, 'collector.db'), { readonly: true });
    expect((sqlite.prepare('SELECT COUNT(*) AS n FROM chain_segments').get() as { n: number }).n).toBe(1);
    sqlite.close();

    const target = await server.createDatabase('migrated_reset');
    const run = await cli(['-d', dir, 'migrate-store', '--to', target, '--json']);
    expect(run.code, run.out + run.err).toBe(0);
    const summary = JSON.parse(run.out) as Summary;
    expect(summary.problems).toEqual([]);
    expect(summary.tables.find((t) => t.table === 'chain_segments')).toEqual({ table: 'chain_segments', source: 1, target: 1 });
    expect(summary.agents.map((a) => a.ok)).toEqual([true]);
  }, 240_000);

  it('a tampered SQLite row makes verification fail, naming the agent and the seq', async () => {
    // A copy of the SQLite store (with its evidence key beside it) where one stored event's bytes were changed.
    const dir = tempDir('tampered');
    const source = new Database(join(dataDir, 'collector.db'));
    await source.backup(join(dir, 'collector.db'));
    source.close();
    copyFileSync(join(dataDir, 'evidence-signing.key'), join(dir, 'evidence-signing.key'));
    const tampered = new Database(join(dir, 'collector.db'));
    const row = tampered.prepare('SELECT bytes FROM events WHERE agent_id = ? AND seq = 7').get(agentId) as { bytes: Buffer };
    const bytes = Buffer.from(row.bytes);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    tampered.prepare('UPDATE events SET bytes = ? WHERE agent_id = ? AND seq = 7').run(bytes, agentId);
    tampered.close();

    const target = await server.createDatabase('migrated_tampered');
    const run = await cli(['-d', dataDir, 'migrate-store', '--from', join(dir, 'collector.db'), '--to', target]);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`FAIL agent ${agentId} (PC-MIGRATE-01): seq 7: hash does not match its bytes`);
    expect(run.out).toContain('FAILED: do not switch the collector to this database');
    expect(run.err.trim().split('\n').at(-1)).toMatch(new RegExp(`^mamori-collector: the copy in PostgreSQL does not match the SQLite store: agent ${agentId} \\(PC-MIGRATE-01\\): seq 7`));
  }, 120_000);
});
