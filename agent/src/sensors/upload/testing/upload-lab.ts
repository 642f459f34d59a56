import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { effectivePolicyFor, type PolicySet } from '@mamori/policies';
import { ensureDebianPackages } from '../../../../../test/harness/system-packages.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import { BrowserBridgeServer } from '../../../local/browser-bridge/bridge-server.ts';
import { SockDiagPeerIdentifier } from '../../../local/browser-bridge/linux-peer.ts';
import { UploadSensorConfigSchema } from '../common/config.ts';
import { UploadSensor, type UploadSensorOptions } from '../common/upload-sensor.ts';
import { PINNED_EXTENSION_ID } from '../common/extension-id.ts';
import { NodeFileHasher } from '../node/file-hasher.ts';
import { UserFileHasher } from '../node/user-file-hasher.ts';
import { ChunkedProtocolSite } from './chunked-protocol-site.ts';

const extensionSource = fileURLToPath(new URL('../../../../browser-extension', import.meta.url));
const pagesDir = fileURLToPath(new URL('../test-pages', import.meta.url));
const nativeHost = fileURLToPath(new URL('../../../../native-host/mamori-native-host.mjs', import.meta.url));
/** The browser executable Debian's /usr/bin/chromium wrapper starts. */
export const chromiumExecutable = '/usr/lib/chromium/chromium';

export interface LabOptions {
  locale?: string;
  pc?: string;
  policy?: PolicyHolder;
  forward?: (draft: EventDraft) => void;
  /** Files "request access" from the block message (e.g. a real agent's tray access requests); absent: refused. */
  requestAccess?: UploadSensorOptions['requestAccess'];
}

/** What the site (every host name) received: method, host and path of each upload request, and its bytes. */
export interface Received {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/**
 * A real headless Chromium with the extension loaded and the native messaging host registered for it (in the
 * profile's NativeMessagingHosts), the agent's upload sensor on its Unix socket bridge, and one HTTPS server
 * playing every web site (all host names resolve to 127.0.0.1). Pages come from ../test-pages, placeholders
 * __NAME__ filled from the query.
 */
export class UploadLab {
  readonly events: EventDraft[] = [];
  readonly received: Received[] = [];
  readonly refused: string[] = [];
  /** tus, Google Drive resumable and S3 multipart, spoken by the same site (hosts tus.*, s3.*, path /upload/drive/). */
  readonly protocols = new ChunkedProtocolSite();
  work = '';
  sitePort = 0;
  context!: BrowserContext;
  policy!: PolicyHolder;
  #bridge!: BrowserBridgeServer;
  socketPath = '';
  #site!: Server;
  readonly #abort = new AbortController();

  /**
   * `policy`: follow this holder (e.g. a real agent's, fed by its collector) instead of a fixed policy made from
   * `set`; `forward`: also hand every event to this recorder (e.g. the real agent's journal).
   */
  static async start(set: PolicySet | undefined, options: LabOptions = {}): Promise<UploadLab> {
    // The agent names the native host's socket peer with iproute2's `ss` (sock_diag).
    ensureDebianPackages(['iproute2'], ['ss']);
    const lab = new UploadLab();
    await lab.#start(set, options);
    return lab;
  }

  async #start(set: PolicySet | undefined, options: LabOptions): Promise<void> {
    this.work = mkdtempSync(join(tmpdir(), 'mamori-upload-lab-'));
    this.socketPath = join(this.work, 'agent', 'browser.sock');
    this.#bridge = new BrowserBridgeServer({
      socketPath: this.socketPath, identifier: new SockDiagPeerIdentifier(), browserExecutables: [chromiumExecutable],
      onRefused: (reason) => this.refused.push(reason),
    });
    this.policy = options.policy ?? new PolicyHolder(set ? effectivePolicyFor(set, options.pc ?? 'PC-TEST', 1) : undefined);
    const sensor = new UploadSensor({
      routes: undefined, bridge: this.#bridge, userHasher: new UserFileHasher(),
      config: UploadSensorConfigSchema.parse({ heartbeatStaleMs: 60_000 }), policy: this.policy,
      currentUser: () => 'alice', hasher: new NodeFileHasher(), checkEveryMs: 3_600_000,
      ...(options.requestAccess ? { requestAccess: options.requestAccess } : {}),
    });
    await sensor.start((draft) => {
      this.events.push(draft);
      options.forward?.(draft);
      return this.events.length;
    }, this.#abort.signal);

    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(this.work, 'key.pem'), '-out', join(this.work, 'cert.pem'), '-days', '1', '-subj', '/CN=mamori-test'], { stdio: 'pipe' });
    this.#site = createServer({ key: readFileSync(join(this.work, 'key.pem')), cert: readFileSync(join(this.work, 'cert.pem')) }, (request, response) => {
      const url = new URL(request.url ?? '/', `https://${request.headers.host}`);
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' };
      if (request.method === 'GET' && url.pathname.startsWith('/pages/')) {
        const name = url.pathname.slice('/pages/'.length).replace(/[^a-z-]/g, '');
        let html = readFileSync(join(pagesDir, `${name}.html`), 'utf8');
        for (const [key, value] of url.searchParams) html = html.replaceAll(`__${key.toUpperCase()}__`, value);
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return response.end(html);
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answer = this.protocols.handle(request.method ?? '', url, request.headers, Buffer.concat(chunks));
        if (answer) {
          response.writeHead(answer.status, answer.headers);
          return response.end(answer.body);
        }
        if (request.method !== 'OPTIONS' && url.pathname.startsWith('/upload')) {
          this.received.push({ method: request.method ?? '', host: url.hostname, path: url.pathname, headers: request.headers, bytes: Buffer.concat(chunks) });
        }
        response.writeHead(200, { 'content-type': 'text/plain', ...cors });
        response.end('stored');
      });
    });
    await new Promise<void>((resolve) => this.#site.listen(0, '127.0.0.1', resolve));
    this.sitePort = (this.#site.address() as AddressInfo).port;

    const extension = join(this.work, 'extension');
    cpSync(extensionSource, extension, { recursive: true });
    writeFileSync(join(extension, 'agent.json'), JSON.stringify({ channel: 'native' }));
    // The native host as an installer registers it, per user (here: the test profile's own folder).
    const host = join(this.work, 'mamori-native-host');
    writeFileSync(host, `#!/bin/sh\nMAMORI_BROWSER_SOCKET='${this.socketPath}' exec '${process.execPath}' '${nativeHost}' "$@"\n`);
    chmodSync(host, 0o755);
    mkdirSync(join(this.work, 'profile', 'NativeMessagingHosts'), { recursive: true });
    writeFileSync(join(this.work, 'profile', 'NativeMessagingHosts', 'jp.mamori.agent.json'), JSON.stringify({
      name: 'jp.mamori.agent', description: 'Mamori (test)', path: host, type: 'stdio',
      allowed_origins: [`chrome-extension://${PINNED_EXTENSION_ID}/`],
    }));
    this.context = await chromium.launchPersistentContext(join(this.work, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: false, locale: options.locale ?? 'en-US',
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--disable-extensions-except=${extension}`, `--load-extension=${extension}`,
        '--host-resolver-rules=MAP * 127.0.0.1', '--ignore-certificate-errors', '--disable-features=HttpsUpgrades',
        ...(options.locale ? [`--lang=${options.locale}`] : []),
      ],
    });
    if (this.context.serviceWorkers().length === 0) await this.context.waitForEvent('serviceworker');
    // The rules reach the extension with its pairing: wait until content scripts can read them.
    await this.until(async () => Boolean(await this.rulesInBrowser()), 'the extension to hold the agent\'s rules');
  }

  /** The rule table the extension holds now (chrome.storage.local, where every frame's enforce.js reads it). */
  async rulesInBrowser(): Promise<{ exceptions?: { rule: string; untilMs: number }[] } | undefined> {
    const worker = this.context.serviceWorkers()[0]!;
    type Storage = { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } };
    return worker.evaluate(async () => (await (globalThis as unknown as Storage).chrome.storage.local.get('mamoriRules')).mamoriRules as never);
  }

  /** A URL on the test site: `https://<host>:<port>/<path>`. */
  url(host: string, path: string): string {
    return `https://${host}:${this.sitePort}${path}`;
  }

  /** Opens test page `name` on `pageHost`; `params` fill its __NAME__ placeholders (target: upload URL). */
  async open(name: string, pageHost: string, params: Record<string, string> = {}): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(`${this.url(pageHost, `/pages/${name}`)}?${new URLSearchParams(params).toString()}`);
    return page;
  }

  uploads() {
    return this.events.filter((e) => e.upload).map((e) => e.upload!);
  }

  decisions() {
    return this.events.filter((e) => e.policyDecision).map((e) => e.policyDecision!);
  }

  async until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gave up waiting for ${what} (site received: ${this.received.map((r) => `${r.method} ${r.host}${r.path}`).join(', ')}; agent refused: ${this.refused.join(' | ')})`);
  }

  /** A real drag and drop of local files onto the element at `selector` (trusted events, file-backed Files). */
  async drop(page: Page, selector: string, paths: string[]): Promise<void> {
    const box = (await page.locator(selector).boundingBox())!;
    const cdp = await this.context.newCDPSession(page);
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x: box.x + 20, y: box.y + 20, data });
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.context?.close();
    await this.#bridge?.close();
    this.#site?.close();
    if (this.work) rmSync(this.work, { recursive: true, force: true });
  }
}

interface PiercedNode {
  nodeName: string;
  nodeValue?: string;
  backendNodeId: number;
  attributes?: string[];
  children?: PiercedNode[];
  shadowRoots?: PiercedNode[];
  contentDocument?: PiercedNode;
}

/**
 * The extension's notice lives in a closed shadow root that page script (and Playwright's locators) cannot
 * reach; DevTools can, as a person sees it. This reads its text and operates it with trusted input.
 */
export class NoticeDriver {
  constructor(private readonly cdp: CDPSession) {}

  static async for(page: Page): Promise<NoticeDriver> {
    return new NoticeDriver(await page.context().newCDPSession(page));
  }

  async #root(): Promise<PiercedNode | undefined> {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: -1, pierce: true }) as { root: PiercedNode };
    const find = (node: PiercedNode): PiercedNode | undefined => {
      if (node.nodeName === 'MAMORI-UPLOAD-NOTICE') return node.shadowRoots?.[0];
      for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
        const found = find(child);
        if (found) return found;
      }
      return undefined;
    };
    return find(root);
  }

  /** The notice's visible text, or '' when none is shown. */
  async text(): Promise<string> {
    const root = await this.#root();
    if (!root) return '';
    const parts: string[] = [];
    const walk = (node: PiercedNode) => {
      if (node.nodeName === '#text' && node.nodeValue) parts.push(node.nodeValue);
      if (node.nodeName === 'STYLE') return;
      for (const child of node.children ?? []) walk(child);
    };
    walk(root);
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  }

  async #element(className: string): Promise<number> {
    const root = await this.#root();
    let id: number | undefined;
    const walk = (node: PiercedNode) => {
      const attributes = node.attributes ?? [];
      const index = attributes.indexOf('class');
      if (index >= 0 && attributes[index + 1]?.split(' ').includes(className)) id = node.backendNodeId;
      for (const child of node.children ?? []) walk(child);
    };
    if (root) walk(root);
    if (id === undefined) throw new Error(`no .${className} in the notice`);
    return id;
  }

  /** Types into a text box of the notice (the warning's reason by default) as a user would (trusted input events). */
  async type(text: string, className = 'reason'): Promise<void> {
    await this.cdp.send('DOM.focus', { backendNodeId: await this.#element(className) });
    await this.cdp.send('Input.insertText', { text });
  }

  /** A real mouse click on a button of the notice. */
  async click(className: string): Promise<void> {
    const { model } = await this.cdp.send('DOM.getBoxModel', { backendNodeId: await this.#element(className) }) as { model: { content: number[] } };
    const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
    const x = (x1 + x3) / 2;
    const y = (y1 + y3) / 2;
    await this.cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
    await this.cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
  }
}
