// Must-show for issue 19 (sensor health everywhere; an alert page with its events), in a real headless Chromium
// against a running collector and an in-process agent whose real SMTP relay sensor has no upstream (so it reports
// itself degraded, as in the demo): the PC page, the PC list and the dashboard show it, the collector raises an
// alert once it stays degraded past the (shortened) threshold, and an alert opened from the list lists the events
// that made it; and the settings page sends a test mail to a real SMTP test server (after showing the failure
// against a port nothing listens on). English and Japanese; screenshots go to test-artifacts/sensor-health/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runAgent, type RunningAgent } from '@mamori/agent';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyHolder } from '../../agent/src/core/policy-holder.ts';
import { MailSensorConfigSchema } from '../../agent/src/sensors/mail/common/config.ts';
import { SmtpRelayMailSensor } from '../../agent/src/sensors/mail/node/smtp-relay-mail-sensor.ts';
import { enrollTestAgent, testAgentConfig } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';
import { SmtpInbox, unusedPort } from '../harness/smtp-inbox.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/sensor-health/', import.meta.url));
const PC = 'PC-SALES-03';
const criticalCopyRule = `
    - id: e2e_usb_copy
      name: Copy to USB (e2e)
      severity: critical
      match: { kind: file_copy, fields: { destination_kind: removable } }
      off_hours_raise: 0
`;

describe.skipIf(!haveChromium)('sensor health and alert events in the console (Chromium, en + ja)', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'pipe' });
    collector = await startTestCollector({ config: { sensorHealth: { checkEveryMs: 200, degradedAlertAfterMs: 1_500 } } });
    const sources = (await collector.app.store.latestPolicyVersion())!.sources.map((s) => (
      s.name === 'alerts.yaml' ? { ...s, text: s.text.replace(/\n {2}rules:\n/, `\n  rules:\n${criticalCopyRule.replace(/^\n/, '')}`) } : s
    ));
    await collector.app.policy.publish(sources, 'e2e', 'critical copy rule');
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: PC });
    const mail = new SmtpRelayMailSensor(MailSensorConfigSchema.parse({ listen: { port: 0 } }), new PolicyHolder(), () => 'suzuki');
    agent = await runAgent(testAgentConfig(stateDir, { heartbeatMs: 300 }), { sensors: [mail], lightweight: true, log: () => undefined });
    await waitFor(() => agent.uplink.status().connected === true, 30_000, 'agent connected');

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 1000 } })).newPage();
    await page.goto(`${collector.httpUrl}#/dashboard`);
    await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('en');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(collector.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.close();
  });

  it('shows the degraded mail sensor with its reason on the PC page and in the PC list', async () => {
    // The first heartbeat carries the sensor states.
    await waitFor(async () => (await collector.app.store.listAgents()).some((a) => a.pc === PC && a.sensors.some((s) => s.state === 'degraded')), 15_000, 'sensors in a heartbeat');
    await page.goto(`${collector.httpUrl}#/pcs/${PC}`);
    const mail = page.locator('.sensor-health li[data-sensor="mail"][data-state="degraded"]');
    await mail.waitFor();
    expect(await mail.textContent()).toContain('Mail monitoring: degraded');
    expect(await mail.getByTestId('sensor-reason').textContent()).toBe('mail relay not started: no upstream mail server configured (sensors.mail.upstream)');
    await shot('pc-sensors-en');
    await page.getByRole('link', { name: 'PCs' }).click();
    const cell = page.locator(`tr[data-pc="${PC}"] [data-testid="monitoring"]`);
    await cell.filter({ hasText: 'off: Mail monitoring' }).waitFor();
    await shot('pcs-monitoring-en');
  });

  it('counts it on the dashboard: "1 PCs with Mail monitoring off"', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const item = page.locator('[data-testid="sensors-off"] li[data-sensor="mail"]');
    await item.waitFor();
    expect(await item.textContent()).toBe('1 PCs with Mail monitoring off');
    await shot('dashboard-monitoring-en');
  });

  it('raises one alert when the sensor stays degraded past the threshold', async () => {
    await waitFor(() => collector.app.store.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE kind = 'sensor_degraded'").pluck().get() === 1, 15_000, 'the sensor alert');
    const alert = collector.app.store.db.prepare("SELECT rule_id AS ruleId, pc, title FROM alerts WHERE kind = 'sensor_degraded'").get() as { ruleId: string; pc: string; title: string };
    expect(alert).toMatchObject({ ruleId: 'sensor_degraded.mail', pc: PC });
    expect(alert.title).toContain('no upstream mail server configured');
  });

  it('opens an alert from the list and sees the events that made it, as labelled fields', async () => {
    agent.recorder.record({
      user: 'suzuki',
      fileCopy: {
        destinationPath: '/media/usb/顧客リスト.xlsx', destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2_097_152, sha256: 'ab'.repeat(32),
        operation: 'created', sourcePath: '/home/suzuki/顧客リスト.xlsx', device: { vendorId: '0781', productId: '5581', serial: 'SN-77', vendor: 'SanDisk', product: 'Cruzer', busPath: '1-1' },
      },
    });
    await page.getByRole('link', { name: 'Alerts' }).click();
    const row = page.locator('tr[data-alert-id][data-severity="critical"]').first();
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('alert-link').click();
    await page.waitForURL(/#\/alerts\/\d+/);
    const event = page.locator('[data-testid="alert-events"] tr[data-event-id]').first();
    await event.waitFor();
    expect(await event.locator('[data-fact="file"]').textContent()).toBe('/home/suzuki/顧客リスト.xlsx');
    expect(await event.locator('[data-fact="destination"]').textContent()).toBe('/media/usb/顧客リスト.xlsx');
    expect(await event.locator('[data-fact="size"]').textContent()).toBe('2 MB');
    expect(await event.locator('[data-fact="device"]').textContent()).toBe('SanDisk Cruzer #SN-77');
    await shot('alert-events-en');
  });

  it('shows the same in Japanese', async () => {
    await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('ja');
    await page.locator('[data-testid="alert-events"] th', { hasText: '宛先・保存先' }).waitFor();
    await shot('alert-events-ja');
    await page.getByRole('link', { name: 'ダッシュボード' }).click();
    const item = page.locator('[data-testid="sensors-off"] li[data-sensor="mail"]');
    await item.waitFor();
    expect(await item.textContent()).toBe('メール監視が止まっている PC: 1 台');
    await shot('dashboard-monitoring-ja');
    await page.goto(`${collector.httpUrl}#/pcs/${PC}`);
    const mail = page.locator('.sensor-health li[data-sensor="mail"]');
    await mail.waitFor();
    expect(await mail.textContent()).toContain('メール監視: 機能低下');
    await shot('pc-sensors-ja');
  });
  it('sends a test mail from the settings page: first the refusal of a dead server, then a real SMTP server accepts it', async () => {
    const inbox = new SmtpInbox();
    const port = await inbox.start();
    try {
      await page.getByRole('combobox', { name: /^(Language|言語)$/ }).selectOption('en');
      await page.getByRole('link', { name: 'Settings' }).click();
      const smtp = page.locator('.settings-smtp');
      await smtp.getByLabel('Server', { exact: true }).waitFor();
      expect(await smtp.getByTestId('smtp-source').textContent()).toContain('collector config file');
      // The default (config) server does not answer here: the admin sees why, at once.
      await smtp.getByLabel('Port', { exact: true }).fill(String(await unusedPort()));
      await smtp.getByLabel('Server', { exact: true }).fill('127.0.0.1');
      await smtp.getByRole('button', { name: 'Save' }).click();
      await smtp.getByRole('status').waitFor();
      const test = page.locator('.settings-test-mail');
      await test.getByLabel('To', { exact: true }).fill('security-managers@example.co.jp');
      await test.getByRole('button', { name: 'Send test mail' }).click();
      const refusal = test.getByRole('alert');
      await refusal.waitFor({ timeout: 20_000 });
      expect(await refusal.textContent()).toMatch(/the SMTP server did not accept the test mail: 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      await shot('settings-test-mail-refused-en');

      await smtp.getByLabel('Port', { exact: true }).fill(String(port));
      await smtp.getByLabel('Sender address').fill('mamori-alerts@example.co.jp');
      await smtp.getByRole('button', { name: 'Save' }).click();
      await page.locator('.settings-smtp [data-testid="smtp-source"]', { hasText: 'Set on this page.' }).waitFor();
      await test.getByRole('button', { name: 'Send test mail' }).click();
      await test.getByTestId('test-mail-result').waitFor({ timeout: 20_000 });
      expect(await test.getByTestId('test-mail-result').textContent()).toMatch(new RegExp(`^Accepted by 127\\.0\\.0\\.1:${port}: 250`));
      // The outbox may also deliver, meanwhile, the alert mails (one per recipient group) that waited for a working
      // server (nothing queued is lost; when depends on its retry timer); the test
      // mail itself arrives exactly once.
      const testMails = inbox.mails.filter((m) => m.subject === 'Mamori: test mail / テストメール');
      expect(testMails).toHaveLength(1);
      expect(testMails[0]).toMatchObject({ to: ['security-managers@example.co.jp'] });
      expect(testMails[0]!.text).toContain('sent by admin');
      const audit = (await collector.app.store.listAudit(10)).map((a) => a.action);
      expect(audit).toEqual(expect.arrayContaining(['settings.update', 'settings.test_mail']));
      // The audit names whether the SMTP password changed, never the password.
      const updates = (await collector.app.store.listAudit(10)).filter((a) => a.action === 'settings.update');
      expect(updates.map((a) => (a.entry as { smtp: { password: string } }).smtp.password)).toEqual(['unchanged', 'unchanged']);
      await shot('settings-test-mail-en');
      await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('ja');
      await page.getByRole('heading', { name: 'アラートメールの送信サーバー（SMTP）' }).waitFor();
      await shot('settings-ja');
      await page.getByRole('combobox', { name: '言語', exact: true }).selectOption('en');
    } finally {
      await inbox.stop();
    }
  });
});
