import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { ECS_VERSION, ecsAllowedValues, ecsFieldsUsed } from '../../collector/src/siem/index.ts';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { collectorBin, initTestCollector, startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';
import { writeSiemConfig } from '../harness/siem-config.ts';

const run = promisify(execFile);
const ecsTypesDir = fileURLToPath(new URL('../../node_modules/@elastic/ecs/generated/', import.meta.url));

/** Every leaf of an exported line checked against the table of ECS fields (name, type, allowed values). */
function ecsProblems(doc: unknown, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const type = ecsFieldsUsed[path];
    if (type === 'object') {
      for (const [label, v] of Object.entries(value as Record<string, unknown>)) if (typeof v !== 'string') problems.push(`${path}.${label}: labels are keywords`);
      continue;
    }
    if (type === 'nested') {
      if (!Array.isArray(value)) problems.push(`${path}: nested must be an array of objects`);
      else for (const item of value) problems.push(...ecsProblems(item, path));
      continue;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      problems.push(...ecsProblems(value, path));
      continue;
    }
    if (!type) {
      problems.push(`${path}: not an ECS field this export declares`);
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const ok = type === 'long' ? Number.isInteger(item)
        : type === 'date' ? typeof item === 'string' && new Date(item).toISOString() === item
        : typeof item === 'string';
      if (!ok) problems.push(`${path}: ${JSON.stringify(item)} is not a valid ${type}`);
      const allowed = ecsAllowedValues[path];
      if (allowed && !allowed.includes(item as string)) problems.push(`${path}: "${String(item)}" is not an allowed ECS value`);
    }
  }
  return problems;
}

let c: TestCollector;
let agent: RunningAgent;
let ecsFile: string;
let headers: Record<string, string>;

beforeAll(async () => {
  const { dataDir, adminPassword } = await initTestCollector();
  ecsFile = join(tempDir('ecs'), 'mamori-ecs.ndjson');
  writeSiemConfig(dataDir, { sinks: [{ name: 'archive', format: 'ecs_json', file: { path: ecsFile, max_bytes: 64 * 1024, keep: 50 } }] });
  c = await startTestCollector({ dataDir, adminPassword });
  agent = await runTestAgent(await enrollTestAgent(await c.token(), { hostname: 'PC-経理-07' }));
  const login = await c.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: adminPassword } });
  headers = { cookie: `mamori_session=${login.cookies.find((k) => k.name === 'mamori_session')!.value}`, 'x-csrf-token': login.json().csrfToken as string };
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await c?.close();
});

function exportedLines(): Record<string, unknown>[] {
  const dir = join(ecsFile, '..');
  return readdirSync(dir).filter((n) => n.startsWith('mamori-ecs.ndjson')).flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const csv = (rows: string[]) => Buffer.from(`日時,職員ID,端末名,操作,対象住民番号,結果,所属\n${rows.join('\n')}\n`);

describe('ECS JSON lines', () => {
  it(`names only ECS ${ECS_VERSION} fields, typed as ECS types them, for every kind of event`, async () => {
    const usb = { vendorId: '0781', productId: '5581', serial: 'SN1', vendor: 'SanDisk', product: 'Ultra', busPath: '1-2' };
    agent.recorder.record(sampleEvent(1));
    agent.recorder.record({ user: 'tanaka', fileCopy: { destinationPath: '/media/usb/見積書.xlsx', destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2048, sha256: 'ab'.repeat(32), operation: 'created', device: usb } });
    agent.recorder.record({ user: 'tanaka', mail: { messageId: '<m1@x>', from: 'tanaka@city.example', to: ['a@gmail.example'], cc: [], bcc: ['b@x.example'], subject: '住民一覧', sizeBytes: 900, verdict: 'blocked', rule: 'mail.external',
      attachments: [{ fileName: 'list.csv', contentType: 'text/csv', sizeBytes: 800, sha256: 'cd'.repeat(32), inline: false }] } });
    agent.recorder.record({ user: 'tanaka', upload: { pageUrl: 'https://drive.example/', destinationHost: 'drive.example', destinationUrl: 'https://drive.example/up', fileName: 'a.pdf', sizeBytes: 10, sha256: 'ef'.repeat(32), method: 'input', category: 'personal_cloud', browser: 'chromium' } });
    agent.recorder.record({ user: 'tanaka', device: { action: 'BLOCKED', rule: 'device.default', message: 'blocked', device: usb } });
    agent.recorder.record({ user: 'tanaka', policyDecision: { subject: 'device', decision: 'block', rule: 'device.default', detail: 'x' } });
    for (let i = 0; i < 300; i += 1) agent.recorder.record(sampleEvent(i)); // enough to rotate the 64 KB file
    const imported = await c.app.http.inject({ method: 'POST', url: '/api/log-imports?mapping=resident_records&file=juki.csv', headers: { ...headers, 'content-type': 'text/csv' },
      payload: csv(['2026/11/02 09:15:00,s001,PC-窓口-01,閲覧,1234567,成功,市民課']) });
    expect(imported.statusCode).toBe(200);
    expect(await agent.uplink.drained(30_000)).toBe(true);
    const stored = (c.app.store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    await waitFor(() => exportedLines().length >= stored, 20_000, 'every event in the ECS file');

    const lines = exportedLines();
    expect(lines.length).toBe(stored);
    expect(readdirSync(join(ecsFile, '..')).length).toBeGreaterThan(1); // rotated
    expect(lines.flatMap((line) => ecsProblems(line))).toEqual([]);
    const kinds = new Set(lines.map((l) => (l.labels as Record<string, string>).mamori_kind));
    for (const kind of ['print_job', 'file_copy', 'mail', 'upload', 'device', 'policy_decision', 'imported_record']) expect(kinds).toContain(kind);
    const mail = lines.find((l) => (l.labels as Record<string, string>).mamori_kind === 'mail') as { event: Record<string, unknown>; email: Record<string, unknown>; host: { name: string }; log: { level: string } };
    expect(mail).toMatchObject({ event: { category: ['email'], type: ['denied'], outcome: 'failure' }, email: { subject: '住民一覧', bcc: { address: ['b@x.example'] } }, host: { name: 'PC-経理-07' }, log: { level: 'medium' } });
    const row = lines.find((l) => (l.labels as Record<string, string>).mamori_kind === 'imported_record') as { event: Record<string, unknown>; user: { name: string }; labels: Record<string, string> };
    expect(row).toMatchObject({ event: { provider: '住民記録システム', action: '閲覧', outcome: 'success' }, user: { name: 's001' }, labels: { import_kind: 'resident_record_access', field_department: '市民課' } });
  }, 60_000);

  it('declares only fields that exist in the ECS schema (checked against the @elastic/ecs type definitions)', () => {
    const base = ['@timestamp', 'message', 'labels'];
    const missing: string[] = [];
    for (const field of Object.keys(ecsFieldsUsed).filter((f) => !base.includes(f))) {
      // email.attachments is a nested field whose objects are ECS `file` fieldsets.
      const [top, ...rest] = field.startsWith('email.attachments.file.') ? ['file', ...field.split('.').slice(3)] : field.split('.');
      const file = join(ecsTypesDir, `${top}.ts`);
      if (!existsSync(file)) { missing.push(field); continue; }
      const source = readFileSync(file, 'utf8');
      if (!rest.every((segment) => new RegExp(`\\b${segment}\\??:`).test(source))) missing.push(field);
    }
    expect(missing).toEqual([]);
    expect(readFileSync(join(ecsTypesDir, 'ecs.ts'), 'utf8')).toContain(`version: '${ECS_VERSION}'`);
  });
});

describe('import of another system\'s CSV log', () => {
  const logs = async (query: string) => (await c.app.http.inject({ method: 'GET', url: `/api/logs?${query}`, headers })).json() as { entries: { kind: string; summary: string; user: string; pc: string; action: string; detail: string }[] };

  it('imports through the CLI, shows the rows in the console\'s log search under the mapping\'s kind, and adds nothing on a re-import', async () => {
    const file = join(tempDir('csv'), 'juki-2026-11.csv');
    writeFileSync(file, csv(['2026-11-03 10:00:00,s002,PC-窓口-02,更新,7654321,成功,税務課', '2026-11-03 10:05:00,s002,PC-窓口-02,印刷,7654321,拒否,税務課']));
    const args = [collectorBin, '-d', c.dataDir, 'import-log', '--mapping', 'resident_records', file, '--json'];
    const first = JSON.parse((await run(process.execPath, args)).stdout) as { rowsNew: number; rowsDuplicate: number; fileSha256: string };
    expect(first).toMatchObject({ rowsNew: 2, rowsDuplicate: 0 });
    // The running collector notices rows another process stored and projects them into the log.
    await waitFor(async () => (await logs('kind=resident_record_access&q=7654321')).entries.length === 2, 20_000, 'imported rows in the log');
    const found = (await logs('kind=resident_record_access&q=7654321')).entries;
    expect(found.map((e) => [e.action, e.user, e.pc]).sort()).toEqual([['印刷', 's002', 'PC-窓口-02'], ['更新', 's002', 'PC-窓口-02']]);
    expect(found[0]!.detail).toContain('住民記録システム');
    const again = JSON.parse((await run(process.execPath, args)).stdout) as { rowsNew: number; rowsDuplicate: number };
    expect(again).toMatchObject({ rowsNew: 0, rowsDuplicate: 2 });
    const audit = c.app.store.db.prepare("SELECT entry_json FROM audit_log WHERE action = 'logs.import'").all() as { entry_json: string }[];
    expect(audit.map((a) => JSON.parse(a.entry_json) as { fileSha256: string }).filter((e) => e.fileSha256 === first.fileSha256)).toHaveLength(2);
  }, 60_000);

  it('refuses a file with a bad row, naming the line, and stores nothing of it', async () => {
    const before = (c.app.store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const res = await c.app.http.inject({ method: 'POST', url: '/api/log-imports?mapping=resident_records', headers: { ...headers, 'content-type': 'text/csv' },
      payload: csv(['2026-11-04 08:00:00,s003,PC,閲覧,1,成功,市民課', 'きのう,s003,PC,閲覧,2,成功,市民課']) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'COLLECTOR_IMPORT_INVALID' });
    expect(res.json().message).toContain('line 3: column "日時": "きのう"');
    expect((c.app.store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(before);
    const unknown = await c.app.http.inject({ method: 'POST', url: '/api/log-imports?mapping=payroll', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv([]) });
    expect(unknown.json()).toMatchObject({ error: 'COLLECTOR_IMPORT_MAPPING_UNKNOWN' });
  });
});
