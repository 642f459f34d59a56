import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunningAgent } from '@mamori/agent';
import { hashPassword } from '../../collector/src/auth/passwords.ts';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTestAgent, runTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));
const pc = 'PC-ACCT-07';
const hostile = '<img src=x onerror=alert(1)>.xlsx';
const operatorPassword = 'operator-pass-4711';

/** A rule that makes every copy to removable media a critical (red) alert, so the test does not depend on thresholds. */
const criticalCopyRule = `
    - id: e2e_usb_copy
      name: Copy to USB (e2e)
      severity: critical
      match: { kind: file_copy, fields: { destination_kind: removable } }
      off_hours_raise: 0
`;

/**
 * The console in a real headless Chromium against a running collector with a real agent: sign in, a red alert
 * appearing live, the PC's history at that alert, a USB exception the agent applies, Japanese, an operator who
 * cannot edit policies, and a hostile file name shown as text. Screenshots go to test-artifacts/console/.
 */
describe.skipIf(!haveChromium)('console e2e in Chromium', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    // The collector serves console/dist; build it as `npm start` does.
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'pipe' });
    collector = await startTestCollector();
    const policy = collector.app.policy;
    const sources = (await collector.app.store.latestPolicyVersion())!.sources.map((s) => (
      s.name === 'alerts.yaml' ? { ...s, text: s.text.replace(/\n {2}rules:\n/, `\n  rules:\n${criticalCopyRule.replace(/^\n/, '')}`) } : s
    ));
    await policy.publish(sources, 'e2e', 'critical copy rule');
    await collector.app.store.putUser({ username: 'operator', passwordHash: await hashPassword(operatorPassword), role: 'operator', createdMs: Date.now() });
    agent = await runTestAgent(await enrollTestAgent(await collector.token(), { hostname: pc }));
    await waitFor(() => agent.policy.current() !== undefined, 20_000, 'policy from the collector');

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.close();
  });

  it('signs in as the admin', async () => {
    const response = await page.goto(`${collector.httpUrl}#/alerts`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(collector.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    expect(await page.textContent('nav')).toContain('admin');
  });

  it('shows a red alert live when the agent records a copy to USB, with the hostile file name as text', async () => {
    expect(await page.locator('tr[data-alert-id]').count()).toBe(0);
    agent.recorder.record({
      user: 'tanaka',
      fileCopy: { destinationPath: `/media/usb/${hostile}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 4096, sha256: 'cd'.repeat(32), operation: 'created' },
    });
    const row = page.locator('tr[data-alert-id][data-severity="critical"]').first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(211, 47, 47)');
    expect(await row.textContent()).toContain(pc);
    await shot('alerts');
  });

  it('opens the PC history at that alert, where the file name is text and nothing ran', async () => {
    await page.locator('tr[data-alert-id][data-severity="critical"]').first().getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: pc }).waitFor();
    await page.getByTestId('window').waitFor();
    expect(page.url()).toMatch(/#\/pcs\/PC-ACCT-07\?around=\d+/);
    const focused = page.locator('ol.timeline li.focus');
    await focused.waitFor();
    expect(await focused.textContent()).toContain(`/media/usb/${hostile}`);
    expect(await page.locator('ol.timeline img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot('pc-history');
  });

  it('grants a temporary USB exception that the agent applies', async () => {
    expect(agent.policy.current()!.device.exceptions).toEqual([]);
    const panel = page.locator('.device-panel');
    await panel.getByLabel('Allow as').selectOption('allow');
    await panel.getByLabel('Reason').fill('visitor documents');
    await panel.getByRole('button', { name: 'Grant temporary exception' }).click();
    await panel.getByRole('status').waitFor();
    await waitFor(() => agent.policy.current()!.device.exceptions.length === 1, 10_000, 'the exception on the agent');
    expect(agent.policy.current()!.device.exceptions[0]).toMatchObject({ mode: 'allow', reason: 'visitor documents', createdBy: 'admin' });
    await panel.getByTestId('exceptions').waitFor();
    const audit = await collector.app.store.listAudit(5);
    expect(audit.map((a) => a.action)).toContain('device_exception.create');
    await shot('pc-exception');
  });

  it('shows the PC list, logs and policies', async () => {
    await page.getByRole('link', { name: 'PCs' }).click();
    await page.locator('tr[data-pc="PC-ACCT-07"]').waitFor();
    expect(await page.locator('tr[data-pc="PC-ACCT-07"]').textContent()).toContain('online');
    await shot('pcs');
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('cell', { name: `/media/usb/${hostile}` }).waitFor();
    expect(await page.locator('table.logs img').count()).toBe(0);
    await shot('logs');
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('tab', { name: 'alerts.yaml' }).waitFor();
    await shot('policies');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Alerts today' }).waitFor();
    await shot('dashboard');
    expect(dialogs).toEqual([]);
  });

  it('shows a file name holding U+202E with the control visible and its real extension marked', async () => {
    const spoof = 'report\u202Egpj.exe';
    agent.recorder.record({
      user: 'tanaka',
      fileCopy: { destinationPath: `/media/usb/${spoof}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2048, sha256: 'ef'.repeat(32), operation: 'created' },
    });
    await page.getByRole('link', { name: 'Alerts' }).click();
    const row = page.locator('tr[data-alert-id]', { hasText: 'report⟨U+202E⟩gpj.exe' }).first();
    await row.waitFor({ timeout: 20_000 });
    // What a person sees (innerText, after layout): the token, never the override itself nor "reportexe.jpg".
    const seen = await row.evaluate((el) => (el as HTMLElement).innerText);
    expect(seen).toContain('report⟨U+202E⟩gpj.exe');
    expect(seen).not.toContain('\u202E');
    expect(seen).not.toContain('reportexe.jpg');
    await page.getByRole('link', { name: 'Logs' }).click();
    const cell = page.locator('table.logs td', { hasText: 'report⟨U+202E⟩gpj.exe' }).first();
    await cell.waitFor();
    const logged = await cell.evaluate((el) => (el as HTMLElement).innerText);
    expect(logged).toContain('/media/usb/report⟨U+202E⟩gpj.exe');
    expect(logged).toContain('⚠ real extension .exe');
    expect(await cell.locator('.pc-control').getAttribute('title')).toBe('Invisible or direction-changing character U+202E in text from a PC');
    await shot('pc-text-rtl-override');
  });

  it('switches to Japanese, with dates in the Japanese format', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.locator('tr[data-alert-id]').first().waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    await page.getByRole('heading', { name: 'アラート' }).waitFor();
    expect(await page.textContent('nav')).toContain('ダッシュボード');
    // ja-JP short dates are yyyy/mm/dd.
    expect(await page.locator('tr[data-alert-id] td.nowrap').first().textContent()).toMatch(/^\d{4}\/\d{2}\/\d{2} /);
    await shot('alerts-ja');
    await page.getByRole('combobox', { name: '言語' }).selectOption('en');
  });

  it('does not let an operator edit policies', async () => {
    const operator = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const op = await operator.newPage();
    await op.goto(`${collector.httpUrl}#/policies`);
    await op.getByRole('combobox', { name: 'Language' }).selectOption('en');
    await op.getByLabel('User name').fill('operator');
    await op.getByLabel('Password').fill(operatorPassword);
    await op.getByRole('button', { name: 'Sign in' }).click();
    await op.getByRole('heading', { name: 'Policies' }).waitFor();
    await op.getByTestId('read-only').waitFor();
    expect(await op.locator('textarea.editor').evaluate((el) => (el as HTMLTextAreaElement).readOnly)).toBe(true);
    expect(await op.getByRole('button', { name: 'Save and push to agents' }).count()).toBe(0);
    expect(await op.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    // Even a hand-made request from the operator's session is refused by the collector.
    const status = await op.evaluate(async () => {
      const session = await (await fetch('/api/session')).json() as { csrfToken: string };
      const current = await (await fetch('/api/policies')).json() as { current: { sources: unknown[] } };
      const res = await fetch('/api/policies', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ sources: current.current.sources }) });
      return res.status;
    });
    expect(status).toBe(403);
    await op.screenshot({ path: `${artifacts}policies-operator.png`, fullPage: true });
    await operator.close();
  });
});
