import { AgentConfigSchema, runAgent, type RunningAgent } from '@mamori/agent';
import { createUnlockCode, randomUnlockNonce } from '@mamori/proto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingEnforcer } from '../../agent/src/control/common/enforcer.ts';
import { FakeUsbSensor, sampleStick } from '../../agent/src/sensors/usb/common/fake-usb-sensor.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const pc = 'PC-TRAY-01';
const stick = sampleStick({ serial: 'TRAY0000000000000001', vendor: 'SanDisk', product: 'Ultra Fit' });

/**
 * The end-user tray page, served by a real agent and opened in a real Chromium: the monitored notice with the
 * purpose from policy, a device block announced as it happens, a request for access that reaches the collector,
 * the admin's approval there coming back to the page (and the stick actually allowed), and an offline unlock code.
 */
describe.skipIf(!haveChromium)('tray page in Chromium, agent ↔ collector', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let usb: FakeUsbSensor;
  let browser: Browser;
  let page: Page;
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    collector = await startTestCollector();
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: pc });
    // The fake stick feeds the agent's own device control, which the tray reaches for unlock codes, as in production.
    const config = Object.freeze(AgentConfigSchema.parse({
      stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000 },
    }));
    const enforcer = new RecordingEnforcer();
    agent = await runAgent(config, {
      lightweight: true, log: () => undefined, deviceEnforcer: enforcer,
      sensors: ({ deviceControl }) => [usb = new FakeUsbSensor({ control: deviceControl!, enforcer })],
    });
    await waitFor(() => agent.policy.current() !== undefined, 20_000, 'policy from the collector');

    const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
    expect(login.statusCode).toBe(200);
    session = { cookie: `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`, csrf: login.json().csrfToken };

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ locale: 'en-US' });
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) => collector.app.http.inject({
    method, url, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(payload === undefined ? {} : { payload: payload as object }),
  });

  it('tells the employee the PC is monitored, with the purpose from policy, in English and Japanese', async () => {
    expect(agent.localPort).toBeGreaterThan(0);
    await page.goto(`http://127.0.0.1:${agent.localPort}/tray`);
    const purpose = agent.policy.current()!.purpose;
    await expect.poll(() => page.textContent('#purpose')).toBe(purpose.en);
    expect(await page.textContent('#monitored h2')).toBe('This PC is monitored');
    expect(await page.textContent('#pc')).toBe(pc);
    await page.click('#lang');
    expect(await page.textContent('#purpose')).toBe(purpose.ja);
    expect(await page.textContent('#monitored h2')).toBe('このPCは監視されています');
    await page.click('#lang');
  });

  it('shows a block notification when a USB stick is blocked, with the rule and its message', async () => {
    usb.source.attach(stick);
    await usb.control!.idle();
    expect(usb.lastEnforced(stick.busPath)).toBe('block');
    const item = page.locator('#block-list li[data-kind="device"]');
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator('.subject').textContent()).toBe('SanDisk Ultra Fit');
    expect(await item.locator('.message').textContent()).toBe(agent.policy.current()!.device.message);
    expect(await item.locator('.rule').textContent()).toContain(agent.policy.current()!.device.rule);
  });

  it('sends a request for access that shows up in the collector, and brings the approval back to the page', async () => {
    const item = page.locator('#block-list li[data-kind="device"]');
    await item.locator('textarea').fill('Visitor brought the signed contract on this stick');
    // Another block arriving while the employee types: it is shown, and the half-written reason stays.
    agent.tray.notifier.notify({ kind: 'upload', message: 'Personal cloud storage is not allowed.', rule: 'upload.categories.personal_cloud', subject: 'sales-2026.xlsx' });
    await expect.poll(() => page.locator('#block-list li[data-kind="upload"] .subject').textContent(), { timeout: 10_000 }).toBe('sales-2026.xlsx');
    expect(await page.locator('#block-list li[data-kind="upload"] form').isHidden()).toBe(true);
    expect(await item.locator('textarea').inputValue()).toBe('Visitor brought the signed contract on this stick');
    await item.locator('button[type="submit"]').click();
    const request = page.locator('#request-list li');
    await expect.poll(() => request.getAttribute('data-status'), { timeout: 10_000 }).toBe('pending');

    // The request travelled as a journaled event and is listed for the admin.
    let listed: { id: number; pc: string; reason: string; status: string; device: { serial: string } } | undefined;
    await waitFor(async () => {
      listed = (await api('GET', '/api/access-requests?status=pending')).json().requests[0];
      return listed !== undefined;
    }, 20_000, 'access request in the collector');
    expect(listed).toMatchObject({ pc, reason: 'Visitor brought the signed contract on this stick', status: 'pending', device: { serial: stick.serial } });

    const untilMs = Date.now() + 2 * 3_600_000;
    const approved = await api('POST', `/api/access-requests/${listed!.id}/approve`, { untilMs, note: 'OK until the visit ends' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().exception).toMatchObject({ pc, serial: stick.serial, mode: 'allow', untilMs });
    expect((await api('POST', `/api/access-requests/${listed!.id}/decline`, {})).statusCode).toBe(409);

    // The answer comes back to the page, and the exception reaches device control: the stick is allowed.
    await expect.poll(() => request.getAttribute('data-status'), { timeout: 15_000 }).toBe('approved');
    expect(await request.textContent()).toContain('OK until the visit ends');
    await expect.poll(() => usb.lastEnforced(stick.busPath), { timeout: 15_000 }).toBe('allow');
    // The agent confirmed it told the employee, so the collector stops re-sending.
    await waitFor(async () => (await api('GET', '/api/access-requests')).json().requests[0].receivedMs !== null, 20_000, 'receipt');
  });

  it('refuses access requests for unknown notifications, empty reasons and foreign origins', async () => {
    const url = `http://127.0.0.1:${agent.localPort}/tray/v1/access-requests`;
    const post = (body: unknown, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({ notificationId: 'nope', reason: 'x' })).status).toBe(400);
    const id = agent.tray.notifier.list()[0]!.id;
    expect((await post({ notificationId: id, reason: '   ' })).status).toBe(400);
    expect((await post({ notificationId: id, reason: 'x' }, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('redeems an offline unlock code typed into the page, and refuses it the second time', async () => {
    const untilMs = Date.now() + 3_600_000;
    const code = createUnlockCode(Buffer.from(agent.identity.unlockKey, 'base64'), { pc, untilMs, nonce: randomUnlockNonce() });
    await page.fill('#unlock-code', code.toLowerCase());
    await page.click('#unlock-form button');
    await expect.poll(() => page.textContent('#unlock-result'), { timeout: 10_000 }).toContain('Unlocked until');
    await page.fill('#unlock-code', code);
    await page.click('#unlock-form button');
    await expect.poll(() => page.getAttribute('#unlock-result', 'class')).toBe('error');
    expect(await page.textContent('#unlock-result')).toMatch(/already used/);
  });
});
