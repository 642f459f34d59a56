import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/triage/', import.meta.url));
const day = 86_400_000;

/** 3,000 PCs over 10 departments and 3 sites, as the reference customer has them. */
const departments = ['経理部', '総務部', '人事部', '営業一部', '営業二部', '開発部', '製造部', '品質保証部', '法務部', '情報システム部'];
const sites = ['本社', '大阪支社', '福岡工場'];
const codes = ['ACCT', 'GA', 'HR', 'SALES1', 'SALES2', 'DEV', 'MFG', 'QA', 'LEGAL', 'IT'];
const pcs = Array.from({ length: 3_000 }, (_, i) => ({
  pc: `PC-${codes[i % 10]}-${String(i).padStart(4, '0')}`,
  department: departments[i % 10]!,
  site: sites[Math.floor(i / 1_000)]!,
}));
/** The one PC switched off 10 days ago: it must be one line in "not reporting", nothing more. */
const silentPc = pcs[1_234]!;
/** PCs with one open alert each: every 47th PC, so every department has some (法務部 6, 経理部 7). */
const alerted = pcs.filter((_, i) => i % 47 === 0);

/**
 * Triage at the reference customer's scale, in a real headless Chromium against a running collector: 3,000 PCs
 * whose directory (department, site) is imported through the console's own file input; filtering the PC list by
 * part of a name and by department returns exactly the PCs that match; a PC silent for 10 days appears once in the
 * "not reporting" view and in the dashboard count. In English and Japanese; screenshots in test-artifacts/triage/.
 */
describe.skipIf(!haveChromium)('triage console e2e at 3,000 PCs', () => {
  let collector: TestCollector;
  let browser: Browser;
  let page: Page;
  const csvPath = join(tempDir('directory'), 'directory.csv');

  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'pipe' });
    collector = await startTestCollector();
    const store = collector.app.store;
    const now = Date.now();
    for (const [i, entry] of pcs.entries()) {
      const id = `agent-${i}`;
      await store.createAgent({ id, pc: entry.pc, hardwareId: `hw-${i}`, os: 'Windows 11', publicKey: Buffer.alloc(32, 1), unlockKey: Buffer.alloc(32, 2), enrolledMs: now - 60 * day, previousAgentId: null });
      const seenMs = entry === silentPc ? now - 10 * day : now - 5 * 60_000;
      await store.recordHeartbeat(id, { timeMs: seenMs, agentVersion: '1.0.0', policyVersion: 1, currentUser: `user${i}`, sensors: [], journalBacklog: 0 });
    }
    // Alerts straight through the collector's repository: the rules that raise them are tested elsewhere, and this
    // keeps the setup to one transaction.
    await store.repos.alerts.record(alerted.map((entry, k) => ({
      ruleId: 'bulk_usb_copy', ruleName: 'Bulk copy to USB', kind: 'file_copy', severity: (['critical', 'high', 'medium', 'low'] as const)[k % 4]!,
      color: '#f57c00', pc: entry.pc, user: `user${k}`, agentId: `agent-${pcs.indexOf(entry)}`, title: `Bulk copy to USB on ${entry.pc}`,
      firstMs: now - 3_600_000, lastMs: now - 3_600_000 + k, count: 1, eventIds: [], foldWindowMs: 60_000,
    })), now);
    writeFileSync(csvPath, `pc,department,site\n${pcs.map((p) => `${p.pc},${p.department},${p.site}`).join('\n')}\n`);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } })).newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('imports the directory CSV through the PC page', async () => {
    await page.goto(`${collector.httpUrl}#/pcs`);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(collector.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'PCs' }).waitFor();
    await page.getByLabel('Import directory CSV (pc, department, site)').setInputFiles(csvPath);
    await page.getByText('3,000 PCs imported').waitFor();
    await expect.poll(async () => (await page.getByRole('combobox', { name: 'Department' }).locator('option').allTextContents()).length).toBe(departments.length + 1);
  }, 60_000);

  it('filters 3,000 PCs by part of a name and by department to exactly the matching PCs', async () => {
    const rows = page.locator('table.pcs tbody tr');
    await page.getByRole('searchbox', { name: 'Search PC, user or OS' }).fill('acct-00');
    // PC-ACCT-0000 … PC-ACCT-0090: every tenth PC among the first hundred is in accounting.
    const expected = pcs.filter((p) => p.pc.toLowerCase().includes('acct-00')).map((p) => p.pc);
    expect(expected).toHaveLength(10);
    await page.getByText(`${expected.length} rows`).waitFor();
    expect((await rows.locator('td:nth-child(2)').allTextContents()).map((t) => t.trim()).sort()).toEqual(expected.sort());
    await shot('pcs-partial-name-en');

    await page.getByRole('searchbox', { name: 'Search PC, user or OS' }).fill('');
    await page.getByRole('combobox', { name: 'Department' }).selectOption('法務部');
    await page.getByRole('combobox', { name: 'Site' }).selectOption('大阪支社');
    const legalOsaka = pcs.filter((p) => p.department === '法務部' && p.site === '大阪支社');
    await page.getByText(`${legalOsaka.length} rows`).waitFor();
    const shown = (await rows.locator('td:nth-child(2)').allTextContents()).map((t) => t.trim());
    expect(shown.sort()).toEqual(legalOsaka.map((p) => p.pc).sort());
    await shot('pcs-department-site-en');
  }, 60_000);

  it('shows a PC silent for 10 days once in "not reporting" and counts it on the dashboard', async () => {
    await page.goto(`${collector.httpUrl}#/dashboard`);
    await expect.poll(async () => (await page.getByTestId('not-reporting-count').textContent())?.trim()).toBe('1');
    await page.getByTestId('not-reporting-count').click();
    await page.getByRole('heading', { name: 'PCs not reporting' }).waitFor();
    const lines = page.locator('table.not-reporting tbody tr');
    await expect.poll(() => lines.count()).toBe(1);
    expect(await lines.first().getAttribute('data-pc')).toBe(silentPc.pc);
    expect((await lines.first().locator('td').nth(1).textContent())?.trim()).toBe(silentPc.site);
    expect(Number((await lines.first().locator('td.num').textContent())?.trim())).toBeGreaterThanOrEqual(10);
    await shot('not-reporting-en');
  }, 60_000);

  it('groups open alerts by department on the dashboard and filters the alert list by department', async () => {
    const legal = alerted.filter((p) => p.department === '法務部');
    await page.goto(`${collector.httpUrl}#/dashboard`);
    const row = page.locator('[data-testid="alerts-by-department"] tr[data-department="法務部"]');
    await expect.poll(async () => (await row.locator('td').last().textContent())?.trim()).toBe(String(legal.length));
    await shot('dashboard-by-department-en');
    await row.getByRole('link', { name: '法務部' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    const rows = page.locator('table.alerts tr.alert-row');
    // Columns: tick box, time, severity, alert, kind, PC, department.
    await expect.poll(async () => (await rows.locator('td:nth-child(6)').allTextContents()).map((t) => t.trim()).sort()).toEqual(legal.map((p) => p.pc).sort());
    expect(new Set((await rows.locator('td:nth-child(7)').allTextContents()).map((t) => t.trim()))).toEqual(new Set(['法務部']));
    await shot('alerts-department-en');

    const accounting = alerted.filter((p) => p.department === '経理部' && p.site === '本社');
    await page.getByRole('combobox', { name: 'Department' }).selectOption('経理部');
    await page.getByRole('combobox', { name: 'Site' }).selectOption('本社');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(async () => (await rows.locator('td:nth-child(6)').allTextContents()).map((t) => t.trim()).sort()).toEqual(accounting.map((p) => p.pc).sort());
    await page.getByTestId('alert-range').getByText(`of ${accounting.length}`).waitFor();
    await shot('alerts-department-site-en');
  }, 60_000);

  it('does the same in Japanese', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    await page.goto(`${collector.httpUrl}#/pcs`);
    await page.getByRole('heading', { name: 'PC 一覧' }).waitFor();
    await page.getByRole('combobox', { name: '部署' }).selectOption('経理部');
    await page.getByText(/300\s*件/).first().waitFor();
    await shot('pcs-department-ja');
  }, 60_000);
});
