import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleEngine } from '../../collector/src/alerts/rule-engine.ts';
import { policyFrom } from '../../collector/src/alerts/test-support.ts';
import type { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.ts';
import { storeEvents } from '../../collector/src/store/sqlite/test-support.ts';
import { startTestCollector, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const haveChromium = ensureDebianPackages(['chromium'], ['chromium']);
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/readable-ja/', import.meta.url));
// 2026-11-22 00:01 UTC = 09:01 in Tokyo, the organisation's zone set below (whatever zone this machine runs in).
const t0 = Date.UTC(2026, 10, 22, 0, 1);
const rules = `
alerts:
  rules:
    - id: mail_attachment_external
      name: Mail attachment to an external domain
      severity: high
      match: { kind: mail }
`;

/**
 * The console as a Japanese (and an English) admin reads it, in a real headless Chromium against a running
 * collector: an alert's page with its title in the reader's language and its events, and a log search whose
 * actions, details and fields are labelled in that language, every time in the organisation's zone (Asia/Tokyo).
 * Screenshots in test-artifacts/readable-ja/.
 */
describe.skipIf(!haveChromium)('readable console in Japanese and English (e2e)', () => {
  let collector: TestCollector;
  let browser: Browser;
  let alertId = 0;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'pipe' });
    collector = await startTestCollector();
    await collector.app.settings.update({ timeZone: 'Asia/Tokyo' }, 'admin');
    const store = collector.app.store as SqliteStore;
    await storeEvents(store, 'agent-1', [{
      seq: 1, timeMs: t0, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
      mail: {
        messageId: '<m1@corp>', from: 'tanaka@corp.example', to: ['buyer@other.example'], cc: [], bcc: [], subject: '見積書 11月分', sizeBytes: 52_000,
        bodyExcerpt: '', attachments: [{ fileName: '見積書.xlsx', contentType: 'application/vnd.ms-excel', sizeBytes: 50_000, sha256: 'ab'.repeat(32), inline: false }],
        verdict: 'relayed', rule: '', malformed: false, upstreamResponse: '250 OK',
      },
    } as never], t0 + 1_000);
    const [event] = await store.eventsBySeq('agent-1', 1, 1);
    const engine = new RuleEngine(policyFrom(rules));
    const candidates = engine.evaluate({
      id: event!.id, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka', timeMs: t0, kind: 'mail',
      payload: { to: ['buyer@other.example'], attachments: [{ fileName: '見積書.xlsx' }] },
    });
    const [stored] = await store.repos.alerts.record(candidates, t0);
    alertId = stored!.id;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  async function signedIn(language: 'ja' | 'en'): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(`${collector.httpUrl}#/alerts/${alertId}`);
    await page.locator('select').first().selectOption(language);
    const [user, password, signIn] = language === 'ja' ? ['ユーザー名', 'パスワード', 'サインイン'] : ['User name', 'Password', 'Sign in'];
    await page.getByLabel(user).fill('admin');
    await page.getByLabel(password).fill(collector.adminPassword);
    await page.getByRole('button', { name: signIn }).click();
    return page;
  }

  const cases = [
    {
      language: 'ja' as const, title: '外部ドメインへの添付ファイル付きメール: 宛先 buyer@other.example、添付 1 件', time: '2026/11/22 09:01:00',
      action: '送信済み', detail: '差出人: tanaka@corp.example', field: '件名',
    },
    {
      language: 'en' as const, title: 'Mail attachment to an external domain: to buyer@other.example, 1 attachment', time: '22/11/2026, 09:01:00',
      action: 'Relayed', detail: 'From: tanaka@corp.example', field: 'Subject',
    },
  ];

  for (const c of cases) {
    it(`${c.language}: the alert page shows the title in ${c.language} and its event at the Tokyo time`, async () => {
      const page = await signedIn(c.language);
      const detail = page.getByTestId('alert-detail');
      await expect.poll(async () => (await detail.textContent()) ?? '', { timeout: 20_000 }).toContain(c.title);
      await expect.poll(async () => (await detail.textContent()) ?? '', { timeout: 10_000 }).toContain('見積書');
      // The organisation's zone arrives with /api/display, which may answer after the alert: wait for it.
      await expect.poll(async () => (await detail.textContent()) ?? '', { timeout: 10_000 }).toContain(c.time);
      await page.screenshot({ path: `${artifacts}alert-${c.language}.png`, fullPage: true });
      await page.close();
    }, 60_000);

    it(`${c.language}: a log search shows the action, detail and fields labelled in ${c.language}, times in Tokyo`, async () => {
      const page = await signedIn(c.language);
      await page.goto(`${collector.httpUrl}#/logs`);
      const row = page.locator('table.logs tbody tr').first();
      await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 20_000 }).toContain('見積書 11月分');
      expect(await row.locator('td').first().textContent()).toBe(c.time);
      expect(await row.locator('td[data-action]').textContent()).toBe(c.action);
      expect(await row.textContent()).toContain(c.detail);
      await row.locator('button.link').click();
      const drawer = page.getByRole('dialog');
      await expect.poll(async () => (await drawer.locator('[data-field="subject"] dt').textContent()) ?? '', { timeout: 10_000 }).toBe(c.field);
      expect(await drawer.locator('pre').count()).toBe(0);
      await page.screenshot({ path: `${artifacts}logs-${c.language}.png`, fullPage: true });
      await page.close();
    }, 60_000);
  }
});
