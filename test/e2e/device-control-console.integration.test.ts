// Must-show for issue 19 (device control without YAML), in a real headless Chromium against a running collector
// and an in-process agent whose USB sensor enforces on a fake sysfs tree: make the PC read-only from its page and
// see the agent authorise the stick (time printed), register that stick as a company stick, grant an exception
// and revoke it (time printed), in English and Japanese. Screenshots go to test-artifacts/device-control/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runAgent, type RunningAgent } from '@mamori/agent';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxDeviceEnforcer } from '../../agent/src/control/linux/linux-enforcer.ts';
import { UsbSensor } from '../../agent/src/sensors/usb/common/usb-sensor.ts';
import { SysfsUsbSource } from '../../agent/src/sensors/usb/linux/sysfs-usb-source.ts';
import { enrollTestAgent, testAgentConfig } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';
import { VirtualUsbLab, type VirtualUsbStick } from '../harness/virtual-usb-stick.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/device-control/', import.meta.url));
const PC = 'PC-FRONT-DESK';

describe.skipIf(!haveChromium)('device control from the console (Chromium, en + ja)', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let lab: VirtualUsbLab;
  let stick: VirtualUsbStick;
  let browser: Browser;
  let page: Page;
  const figures: Record<string, number> = {};
  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'pipe' });
    collector = await startTestCollector();
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: PC });
    lab = new VirtualUsbLab();
    // The sensor feeds the agent's own device control (built by runAgent with this enforcer), as in production.
    const enforcer = new LinuxDeviceEnforcer({ sysRoot: lab.sysRoot, prefer: 'sysfs' });
    agent = await runAgent(testAgentConfig(stateDir, { heartbeatMs: 500 }), {
      lightweight: true, log: () => undefined, userLookup: async () => 'tanaka', deviceEnforcer: enforcer,
      sensors: ({ deviceControl }) => [new UsbSensor({ source: new SysfsUsbSource({ sysRoot: lab.sysRoot, hotplug: false, pollMs: 50 }), control: deviceControl! })],
    });
    await waitFor(() => agent.uplink.status().connected === true, 30_000, 'agent connected');
    stick = lab.stick({ busPath: '5-1', serial: 'FIN-STICK-0042', vendorId: '0781', productId: '5581' }).attach();
    await waitFor(() => stick.authorized() === '0', 10_000, 'stick blocked by the default policy');

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 1000 } })).newPage();
    await page.goto(`${collector.httpUrl}#/pcs/${PC}`);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(collector.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: PC }).waitFor();
  }, 180_000);

  afterAll(async () => {
    console.log(`device control figures: ${JSON.stringify(figures)}`);
    await browser?.close();
    await agent?.stop();
    await collector?.close();
    lab?.dispose();
  });

  it('makes the PC read-only from its page, and the agent authorises the blocked stick read-only', async () => {
    const panel = page.locator('.device-mode-control');
    expect(await panel.getByTestId('effective-mode').getAttribute('data-mode')).toBe('block');
    expect(await panel.getByTestId('mode-source').textContent()).toContain('the organisation default');
    await panel.getByLabel('This PC').selectOption('read_only');
    const answered = page.waitForResponse((r) => r.url().endsWith('/device-mode')).then(() => performance.now());
    const clicked = performance.now();
    await panel.getByRole('button', { name: 'Apply to this PC' }).click();
    await waitFor(() => stick.authorized() === '1', 10_000, 'stick authorised by the read-only mode');
    figures.readOnlyClickToAgentMs = Math.round(performance.now() - clicked);
    figures.readOnlyClickToApiAnswerMs = Math.round((await answered) - clicked);
    console.log(`read-only: click in the console → stick authorised on the agent: ${figures.readOnlyClickToAgentMs} ms`);
    expect(agent.policy.current()!.device).toMatchObject({ mode: 'read_only', rule: `device.pcs.${PC}` });
    await panel.getByRole('status').waitFor();
    expect(await panel.getByRole('status').textContent()).toMatch(/^Saved as policy version \d+; connected PCs apply it within a second\.$/);
    await page.locator('.device-mode-control [data-testid="effective-mode"][data-mode="read_only"]').waitFor();
    expect(await page.locator('.device-mode-control').getByTestId('mode-source').textContent()).toContain("this PC's own setting");
    await shot('pc-read-only-en');
  });

  it('registers the stick seen on the PC as a company stick bound to this PC', async () => {
    // The ATTACHED event reaches the collector with the next batch; reload the page until the stick is listed.
    await waitFor(async () => {
      await page.reload();
      return page.locator('.devices-seen li[data-serial="FIN-STICK-0042"]').waitFor({ timeout: 1_000 }).then(() => true, () => false);
    }, 20_000, 'the stick in "devices seen"');
    const row = page.locator('.devices-seen li[data-serial="FIN-STICK-0042"]');
    await row.getByRole('button', { name: 'Register as company stick' }).click();
    await row.getByLabel('Name').fill('Finance stick 42');
    await row.getByLabel('Only for these users (comma-separated, optional)').fill('tanaka');
    await row.getByRole('button', { name: 'Register stick' }).click();
    await waitFor(() => agent.policy.current()!.device.allow.some((a) => a.serial === 'FIN-STICK-0042'), 10_000, 'the stick on the agent allow-list');
    expect(agent.policy.current()!.device.allow).toEqual([
      { name: 'Finance stick 42', vendor_id: '0781', product_id: '5581', serial: 'FIN-STICK-0042', mode: 'allow', users: ['tanaka'] },
    ]);
    const audit = (await collector.app.store.listAudit(10)).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['device_mode.set', 'device_stick.register']));
    await shot('pc-stick-registered-en');
  });

  it('grants an exception and revokes it from the console; the agent drops it', async () => {
    await page.reload();
    const panel = page.locator('.device-panel');
    await panel.getByLabel('Allow as').selectOption('audit');
    await panel.getByLabel('Reason').fill('granted by mistake');
    await panel.getByRole('button', { name: 'Grant temporary exception' }).click();
    await waitFor(() => agent.policy.current()!.device.exceptions.length === 1, 10_000, 'the exception on the agent');
    const item = panel.locator('[data-testid="exceptions"] li').first();
    await item.waitFor();
    await shot('pc-exception-granted-en');
    const clicked = performance.now();
    await item.getByRole('button', { name: 'Revoke' }).click();
    await waitFor(() => agent.policy.current()!.device.exceptions.length === 0, 10_000, 'the exception gone from the agent');
    figures.revokeClickToAgentMs = Math.round(performance.now() - clicked);
    console.log(`revoke: click in the console → exception gone on the agent: ${figures.revokeClickToAgentMs} ms`);
    await panel.getByText('Exception revoked. The PC drops it within a second.').waitFor();
    // The list reloads after the revoke answered; wait for that reload rather than read it the same instant.
    await expect.poll(() => panel.locator('[data-testid="exceptions"]').count(), { timeout: 10_000 }).toBe(0);
    expect((await collector.app.store.listAudit(20)).map((a) => a.action)).toContain('device_exception.revoke');
    await shot('pc-exception-revoked-en');
  });

  it('shows the same controls in Japanese, and sets the PC back to its group/default', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    const panel = page.locator('.device-mode-control');
    await panel.getByRole('heading', { name: 'この PC の USB ストレージ' }).waitFor();
    expect(await panel.getByTestId('mode-source').textContent()).toContain('この PC 個別の設定');
    await shot('pc-device-control-ja');
    await panel.getByLabel('この PC').selectOption('inherit');
    await panel.getByRole('button', { name: 'この PC に適用' }).click();
    await waitFor(() => stick.authorized() === '1' && agent.policy.current()!.device.mode === 'block', 10_000, 'back to the default on the agent');
    // The registered stick is still allowed (allow-list before the PC's mode), so it stays authorised.
    await page.locator('.device-mode-control [data-testid="effective-mode"][data-mode="block"]').waitFor();
    expect(await page.locator('.device-mode-control').getByTestId('mode-source').textContent()).toContain('組織の既定');
    await shot('pc-default-ja');
    await page.getByRole('combobox', { name: '言語' }).selectOption('en');
  });
});
