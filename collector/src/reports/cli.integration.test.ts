// `mamori-collector report generate` on a real data dir: the shipped template, dates read in Tokyo time, the files
// written match the hashes recorded; a wrong template or period is one line and exit code 1.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCollectorCli } from '../cli/program.ts';
import { initDataDir } from '../data-dir.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('mamori-collector report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-report-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a report on demand, writes PDF and CSV, and lists it', async () => {
    await initDataDir(join(dir, 'data'), { advertise: 'localhost:7443', names: [], adminUser: 'admin', httpPort: 0 });
    const result = await run(['-d', join(dir, 'data'), 'report', 'generate', '--template', 'monthly_inspection', '--from', '2026-10-01', '--to', '2026-10-31', '-o', join(dir, 'out'), '--json']);
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out) as { id: number; fromMs: number; toMs: number; pdfSha256: string; csvSha256: string; files: string[]; generatedBy: string };
    expect(report.fromMs).toBe(Date.UTC(2026, 8, 30, 15));
    expect(report.toMs).toBe(Date.UTC(2026, 9, 31, 15));
    expect(report.generatedBy).toBe('cli');
    const [pdf, csv] = report.files;
    expect(existsSync(pdf!) && existsSync(csv!)).toBe(true);
    expect(createHash('sha256').update(readFileSync(pdf!)).digest('hex')).toBe(report.pdfSha256);
    expect(createHash('sha256').update(readFileSync(csv!)).digest('hex')).toBe(report.csvSha256);
    const listed = await run(['-d', join(dir, 'data'), 'report', 'list']);
    expect(listed.out).toContain(`${report.id}  monthly_inspection`);
    expect(listed.out).toContain('not reviewed');
  });

  it('refuses an unknown template and a backwards period with one line', async () => {
    const unknown = await run(['-d', join(dir, 'data'), 'report', 'generate', '--template', 'nope', '--from', '2026-10-01', '--to', '2026-10-31']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('mamori-collector: no such report template in the policy: "nope" (templates: monthly_inspection, weekly_usb)\n');
    const backwards = await run(['-d', join(dir, 'data'), 'report', 'generate', '--template', 'weekly_usb', '--from', '2026-10-31', '--to', '2026-10-01']);
    expect(backwards.code).toBe(1);
    expect(backwards.err).toMatch(/^mamori-collector: .*the report period must end after it starts\n$/);
  });
});
