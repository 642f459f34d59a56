import { AgentConfigSchema, runAgent, type RunningAgent } from '@mamori/agent';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const pc = 'PC-SELF-01';

/**
 * The employee's own risk indicators on the tray page: a real agent records the logged-in user's USB copies, the
 * real collector scores them and sends that user's view down the agent's stream, and the page (real Chromium) shows
 * it in plain words. When someone else logs in on the PC, the previous user's view disappears at once and the new
 * user sees only their own once the collector has it: the agent never chooses whose view it gets.
 */
describe.skipIf(!haveChromium)('tray page: the employee\'s own risk indicators', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let browser: Browser;
  let page: Page;
  const loggedIn = { name: 'sato' };

  beforeAll(async () => {
    collector = await startTestCollector();
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: pc });
    const config = Object.freeze(AgentConfigSchema.parse({
      stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000 },
    }));
    agent = await runAgent(config, { sensors: [], lightweight: true, log: () => undefined, userLookup: async () => loggedIn.name });
    await waitFor(() => agent.policy.current() !== undefined, 20_000, 'policy from the collector');
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

  const copy = (n: number) => agent.recorder.record({
    fileCopy: { destinationPath: `/media/usb/list-${n}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 40_000_000, device: { serial: 'SELF1' }, operation: 'created' },
  });
  const state = async () => (await (await fetch(`http://127.0.0.1:${agent.localPort}/tray/v1/state`)).json()) as { user: string; selfView: { user: string; score: number } | null };
  const scoreOf = async (person: string) => {
    const rows = await collector.app.store.repos.risk.personDays(person, 0, Number.MAX_SAFE_INTEGER);
    return rows.at(-1);
  };

  it('shows the logged-in user their own score and what it is made of, in plain words', async () => {
    await page.goto(`http://127.0.0.1:${agent.localPort}/tray`);
    for (let n = 1; n <= 3; n += 1) copy(n);
    // The view may come first with nothing in it (on connect); wait for the one with the copies scored.
    await waitFor(async () => ((await state()).selfView?.score ?? 0) > 0, 30_000, "sato's scored view from the collector");
    expect((await state()).selfView!.user).toBe('sato');
    const row = (await scoreOf('sato'))!;
    expect((await state()).selfView!.score).toBe(Math.round(row.score * 10) / 10);
    await expect.poll(() => page.isVisible('#self-view'), { timeout: 10_000 }).toBe(true);
    expect(await page.textContent('#self-score')).toBe(String(Math.round(row.score * 10) / 10));
    const usb = row.contributions.find((c) => c.indicator === 'vector.usb')!;
    const items = await page.locator('#self-days li li').allTextContents();
    expect(items).toContain(`Files copied to USB storage — ${usb.detail} (+${Math.round(usb.points * 10) / 10} points)`);
    await page.click('#lang');
    expect(await page.locator('#self-days li li').allTextContents()).toContain(`USBメモリへのファイルのコピー — ${usb.detail} (+${Math.round(usb.points * 10) / 10} 点)`);
    await page.click('#lang');
  });

  it('never shows one user the other\'s: a new user at the PC sees nothing until the collector sends their own', async () => {
    loggedIn.name = 'suzuki';
    await waitFor(async () => (await state()).user === 'suzuki', 10_000, 'the agent noticing the new user');
    expect((await state()).selfView).toBeNull();
    await expect.poll(() => page.isHidden('#self-view'), { timeout: 10_000 }).toBe(true);
    copy(4);
    await waitFor(async () => (await state()).selfView?.user === 'suzuki' && (await state()).selfView!.score > 0, 30_000, "suzuki's view from the collector");
    const row = (await scoreOf('suzuki'))!;
    expect((await state()).selfView!.score).toBe(Math.round(row.score * 10) / 10);
    await expect.poll(() => page.textContent('#self-score'), { timeout: 10_000 }).toBe(String(Math.round(row.score * 10) / 10));
    expect(await page.textContent('#self-view')).not.toContain('3 events');
  });
});
