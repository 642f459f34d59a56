import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userInfo } from 'node:os';
import { ContentPolicySchema, defaultPolicyDir, defaultUploadEnforcement, effectivePolicyFor, loadPolicyDir } from '@mamori/policies';
import { ensureDebianPackages } from '../../../../test/harness/system-packages.ts';
import type { EventDraft } from '../../core/event-draft.ts';
import { PolicyHolder } from '../../core/policy-holder.ts';
import { encodeHashes, fingerprintText } from '../../inspect/common/fingerprint.ts';
import { ContentInspector } from '../../inspect/node/content-inspector.ts';
import { people, peopleCsv, textDocx } from '../../inspect/testing/corpus-writers.ts';
import { createLocalServer, type LocalServer } from '../../local/local-server.ts';
import { ProcNetTcpOwnerLookup } from '../../platform/connection-owner/linux-proc-net-tcp.ts';
import { UploadSensorConfigSchema } from './common/config.ts';
import { UploadSensor } from './common/upload-sensor.ts';
import { NodeFileHasher } from './node/file-hasher.ts';

/**
 * The must-show: a real headless Chromium (Debian package) with the extension loaded, local test pages that
 * upload by each method, the agent's real loopback endpoint and upload sensor. Every host name resolves to
 * 127.0.0.1 (--host-resolver-rules), so destinations carry real names (drive.google.com …) and are categorised
 * by the shipped policy; they are served over HTTPS because many are HSTS-preloaded.
 */
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);
const extensionSource = fileURLToPath(new URL('../../../browser-extension', import.meta.url));
const pagesDir = fileURLToPath(new URL('./test-pages', import.meta.url));

interface Case {
  page: string;
  host: string;
  file: string;
  category: string;
  method: string;
}

const cases: Case[] = [
  { page: 'input', host: 'drive.google.com', file: 'customers-input.csv', category: 'personal_cloud', method: 'input+formdata' },
  { page: 'drop', host: 'wetransfer.com', file: 'design-drop.dwg', category: 'file_transfer', method: 'drop+formdata' },
  { page: 'fetch-formdata', host: 'chatgpt.com', file: 'sales-fetch.xlsx', category: 'generative_ai', method: 'input+formdata' },
  { page: 'xhr', host: 'github.com', file: 'source-xhr.zip', category: 'code_hosting', method: 'input+formdata' },
  { page: 'blob', host: 'mail.google.com', file: 'payroll-blob.pdf', category: 'webmail', method: 'input+blob' },
  { page: 'form', host: 'intranet.example.co.jp', file: 'minutes-form.docx', category: 'organisation', method: 'input+form' },
];

const spec = [
  '新製品「みまもりカメラ」設計仕様書 第3版', '筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。',
  '画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。',
  '量産開始は2027年4月、初回ロットは12,000台を予定する。価格は税込19,800円。',
];
const contentCases: Case[] = [
  { page: 'input', host: 'drive.google.com', file: 'residents.csv', category: 'personal_cloud', method: 'input+formdata' },
  { page: 'input', host: 'drive.google.com', file: 'renamed-notes.docx', category: 'personal_cloud', method: 'input+formdata' },
];

describe.skipIf(!haveChromium)('upload monitoring in a real Chromium with the extension loaded', () => {
  let work: string;
  let agent: LocalServer;
  let site: Server;
  let sitePort: number;
  let context: BrowserContext;
  let sensor: UploadSensor;
  let clockOffset = 0;
  const refused: string[] = [];
  const events: EventDraft[] = [];
  const received: string[] = [];
  const abort = new AbortController();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mamori-upload-'));
    // The agent: its loopback endpoint and the upload sensor with the shipped policy.
    agent = createLocalServer({ port: 0, onRefused: (reason) => refused.push(reason) });
    const agentPort = await agent.listen();
    // The shipped policy, plus one document IT registered as sensitive.
    const shipped = loadPolicyDir(defaultPolicyDir);
    // Recording only: blocking and warning are the enforcement suite's (enforcement.integration.test.ts).
    const set = { ...shipped, upload: { ...shipped.upload, enforcement: defaultUploadEnforcement }, content: ContentPolicySchema.parse({ ...shipped.content, fingerprints: [{ name: 'camera_spec', label: { en: 'camera design spec', ja: 'カメラ設計仕様書' }, hashes: encodeHashes(fingerprintText(spec.join('\n'))) }] }) };
    const policy = new PolicyHolder(effectivePolicyFor(set, 'PC-TEST', 1));
    sensor = new UploadSensor({
      routes: agent, config: UploadSensorConfigSchema.parse({ heartbeatStaleMs: 60_000 }),
      policy, currentUser: () => 'alice',
      hasher: new NodeFileHasher(), now: () => Date.now() + clockOffset, checkEveryMs: 3_600_000,
      inspector: new ContentInspector(() => policy.current()?.content), connectionOwner: new ProcNetTcpOwnerLookup(),
    });
    await sensor.start((draft) => { events.push(draft); return events.length; }, abort.signal);

    // The web: one HTTPS server playing every site (pages and upload targets).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-days', '1', '-subj', '/CN=mamori-test'], { stdio: 'pipe' });
    site = createServer({ key: readFileSync(join(work, 'key.pem')), cert: readFileSync(join(work, 'cert.pem')) }, (request, response) => {
      const url = new URL(request.url ?? '/', `https://${request.headers.host}`);
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' };
      if (request.method === 'GET' && url.pathname.startsWith('/pages/')) {
        const name = url.pathname.slice('/pages/'.length).replace(/[^a-z-]/g, '');
        const target = url.searchParams.get('target') ?? '';
        const html = readFileSync(join(pagesDir, `${name}.html`), 'utf8')
          .replaceAll('__TARGET__', target).replaceAll('__AGENT__', `http://127.0.0.1:${agentPort}`);
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end(html);
      }
      request.resume();
      request.on('end', () => {
        if (request.method !== 'OPTIONS' && url.pathname === '/upload') received.push(`${request.method} ${url.host}`);
        response.writeHead(200, { 'content-type': 'text/html', ...cors });
        response.end('<p>stored</p>');
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;

    // The extension as the installer lays it out: same key (so the same id), agent.json naming our endpoint.
    const extension = join(work, 'extension');
    cpSync(extensionSource, extension, { recursive: true });
    writeFileSync(join(extension, 'agent.json'), JSON.stringify({ endpoint: `http://127.0.0.1:${agentPort}` }));
    for (const c of cases) writeFileSync(join(work, c.file), `${c.page} ${'confidential,'.repeat(50 + c.page.length)}\n`);
    writeFileSync(join(work, contentCases[0]!.file), peopleCsv(people(12)));
    writeFileSync(join(work, contentCases[1]!.file), await textDocx(spec));

    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: false,
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--disable-extensions-except=${extension}`, `--load-extension=${extension}`,
        '--host-resolver-rules=MAP * 127.0.0.1', '--ignore-certificate-errors', '--disable-features=HttpsUpgrades',
      ],
    });
    if (context.serviceWorkers().length === 0) await context.waitForEvent('serviceworker');
  });

  afterAll(async () => {
    abort.abort();
    await context?.close();
    await agent?.close();
    site?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const uploads = () => events.filter((e) => e.upload).map((e) => e.upload!);

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 300 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!condition()) throw new Error(`gave up waiting for ${what} (site received: ${received.join(", ")}; agent refused: ${refused.join(" | ")})`);
  }

  async function open(c: Case, pageHost = 'www.example.com'): Promise<Page> {
    const page = await context.newPage();
    const target = `https://${c.host}:${sitePort}/upload`;
    await page.goto(`https://${pageHost}:${sitePort}/pages/${c.page}?target=${encodeURIComponent(target)}`);
    return page;
  }

  async function upload(c: Case): Promise<void> {
    const receivedBefore = received.length;
    const page = await open(c);
    const path = join(work, c.file);
    if (c.page === 'drop') {
      // A real drag of a local file, as the OS would deliver it (trusted events, file-backed File).
      const box = (await page.locator('#zone').boundingBox())!;
      const cdp = await context.newCDPSession(page);
      const data = { items: [], files: [path], dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
        await cdp.send('Input.dispatchDragEvent', { type, x: box.x + 50, y: box.y + 50, data });
      }
    } else {
      await page.locator('#file').setInputFiles(path);
      if (c.page === 'form') await Promise.all([page.waitForURL(/\/upload/), page.locator('#send').click()]);
      else if (c.page !== 'input') await page.locator('#send').click();
    }
    await until(() => uploads().some((u) => u.fileName === c.file), `the upload of ${c.file}`);
    // The extension reports as the request starts; closing the page before the site has it could cut it off.
    await until(() => received.length > receivedBefore, `the site receiving ${c.file}`);
    await page.close();
  }

  it('records each upload method once with name, size, SHA-256, destination and category', async () => {
    for (const c of cases) await upload(c);
    const all = uploads();
    for (const c of cases) {
      const bytes = readFileSync(join(work, c.file));
      const matching = all.filter((u) => u.fileName === c.file);
      expect(matching, c.page).toHaveLength(1);
      expect(matching[0], c.page).toMatchObject({
        fileName: c.file, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
        destinationHost: c.host, destinationUrl: `https://${c.host}:${sitePort}/upload`, category: c.category, method: c.method,
        pageUrl: `https://www.example.com:${sitePort}/pages/${c.page}`, browser: 'chromium',
      });
    }
    expect(all).toHaveLength(cases.length);
    expect(received).toHaveLength(cases.length);
    // Alerts follow the shipped policy: personal cloud, file transfer and generative AI.
    const alerts = events.filter((e) => e.policyDecision).map((e) => e.policyDecision!.rule).sort();
    expect(alerts).toEqual(['upload.alert_categories.file_transfer', 'upload.alert_categories.generative_ai', 'upload.alert_categories.personal_cloud']);
  });

  it('reads what was uploaded: a personal-data list and a registered document, named to the OS user owning the browser', async () => {
    for (const c of contentCases) await upload(c);
    const [residents, notes] = contentCases.map((c) => uploads().find((u) => u.fileName === c.file));
    expect(residents?.content).toMatchObject({ status: 'inspected', format: 'csv', severity: 'high' });
    expect(residents?.content?.findings?.map((f) => f.rule).sort()).toEqual(['my_number', 'personal_data_list']);
    expect(notes?.content?.findings?.map((f) => [f.rule, f.label])).toEqual([['registered_document', 'a registered sensitive document: camera design spec']]);
    // Chromium runs as this test's user; the console's logged-in user ("alice") is not who uploaded.
    const drafts = events.filter((e) => e.upload && contentCases.some((c) => c.file === e.upload!.fileName));
    expect(drafts.map((e) => [e.user, e.upload!.userSource])).toEqual(contentCases.map(() => [userInfo().username, 'connection_owner']));
  });

  it('records nothing forged for a page that posts fake reports to the agent or fakes the extension’s inputs, only its real in-memory upload', async () => {
    const before = events.length;
    const refusedBefore = refused.length;
    const page = await open({ page: 'forge', host: 'drive.google.com', file: '', category: '', method: '' }, 'evil.example');
    await page.locator('#status', { hasText: 'done' }).waitFor();
    // Wait until the page's own in-memory PUT has reached the site and the agent refused the direct attempts
    // (simple POSTs, beacon, form post, uninstall hook: at least five reach the agent and are refused there).
    await until(() => received.includes(`PUT drive.google.com:${sitePort}`), 'the forged page’s own upload');
    await until(() => refused.length - refusedBefore >= 5, 'the agent to refuse the forged reports');
    // Give the extension a chance to (wrongly) report the forged drop/hint before concluding.
    await page.reload();
    await page.close();
    const service = context.serviceWorkers()[0]!;
    await service.evaluate(() => (globalThis as unknown as { flush?: () => Promise<void> }).flush?.());
    // The page's own in-memory PUT did leave: it is recorded as what it is (bytes the page made, hashed as sent),
    // never as a file the user chose or dropped, and nothing of the forged reports (/etc/passwd) is.
    const forgedBytes = Buffer.from('not,a,real,file\n');
    await until(() => events.slice(before).some((e) => e.upload?.fileName === 'forged-drop.csv'), 'the page’s real in-memory upload to be recorded');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.slice(before).filter((e) => e.policyDecision).map((e) => e.policyDecision!.rule)).toEqual(['upload.alert_categories.personal_cloud']);
    expect(events.slice(before).filter((e) => e.upload).map((e) => e.upload)).toEqual([expect.objectContaining({
      fileName: 'forged-drop.csv', method: 'script+blob', sizeBytes: forgedBytes.length, localPath: '',
      sha256: createHash('sha256').update(forgedBytes).digest('hex'), destinationHost: 'drive.google.com',
    })]);
    // Refused at the door (wrong content type, preflight, Origin, unknown key) — never by luck of a bad field.
    expect(refused.slice(refusedBefore).every((r) => /application\/json|no route OPTIONS|not from the Mamori extension|unknown profile or key/.test(r))).toBe(true);
  });

  it('reports the extension alive for this browser profile, and not alive once it stops reporting', async () => {
    const health = () => events.filter((e) => e.extensionHealth).map((e) => e.extensionHealth!);
    expect(health()[0]).toMatchObject({ browser: 'chromium', installed: true, alive: true, extensionVersion: '0.1.0' });
    const profile = health()[0]!.profile;
    expect(uploads().every((u) => u.browserProfile === profile)).toBe(true);
    await context.close();
    clockOffset = 61_000; // past the stale window, without waiting for it
    sensor.checkHealth();
    expect(health().at(-1)).toMatchObject({ profile, installed: true, alive: false });
  });
});
