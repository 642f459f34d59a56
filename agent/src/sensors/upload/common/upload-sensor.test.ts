import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, PolicySetSchema } from '@mamori/policies';
import type { EventDraft } from '../../../core/event-draft.ts';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { LocalRequest, LocalResponse, LocalRoute, LocalRoutes } from '../../../local/local-server.ts';
import { categorise } from './categorise.ts';
import { UploadSensorConfigSchema } from './config.ts';
import { extensionIdFromKey, PINNED_EXTENSION_ID } from './extension-id.ts';
import { extensionRoutes, UploadSensor } from './upload-sensor.ts';

const ORIGIN = `chrome-extension://${PINNED_EXTENSION_ID}`;
const SHA = 'a'.repeat(64);

class MemoryRoutes implements LocalRoutes {
  readonly routes = new Map<string, LocalRoute>();
  route(route: LocalRoute) {
    this.routes.set(`${route.method} ${route.path}`, route);
    return () => this.routes.delete(`${route.method} ${route.path}`);
  }
  async call(method: string, path: string, options: { origin?: string; token?: string; body?: unknown; query?: string } = {}): Promise<LocalResponse> {
    const route = this.routes.get(`${method} ${path}`);
    if (!route) return { status: 404 };
    const headers: Record<string, string> = {};
    if (options.origin) headers.origin = options.origin;
    if (options.token) headers['x-mamori-token'] = options.token;
    const request: LocalRequest = { method, path, query: new URLSearchParams(options.query ?? ''), headers, body: options.body };
    return route.handler(request);
  }
}

function setup(overrides: Record<string, unknown> = {}) {
  const set = PolicySetSchema.parse({
    categories: { personal_cloud: ['dropbox.com'], webmail: ['mail.google.com'], organisation: ['corp.example'] },
    upload: { alert_categories: ['personal_cloud', 'organisation'] },
  });
  const policy = new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1));
  const routes = new MemoryRoutes();
  const events: EventDraft[] = [];
  let now = 1_000_000;
  const hashed: string[] = [];
  const sensor = new UploadSensor({
    routes, policy, currentUser: () => 'alice', now: () => now,
    config: UploadSensorConfigSchema.parse({ heartbeatStaleMs: 60_000, reportBurst: 3, reportsPerSecond: 1, ...overrides }),
    hasher: { hash: async (path) => { hashed.push(path); if (path.includes('missing')) throw new Error('ENOENT'); return { size: 1234, sha256: SHA }; } },
  });
  const emit = (draft: EventDraft) => { events.push(draft); return events.length; };
  return { sensor, routes, events, hashed, emit, advance: (ms: number) => { now += ms; } };
}

const hello = { profileId: 'profile-0001', browser: 'chromium', extensionVersion: '0.1.0' };
function report(extra: Record<string, unknown> = {}) {
  return {
    reportId: 'r1', profileId: 'profile-0001', browser: 'chromium', pageUrl: 'https://www.dropbox.com/home',
    destinationUrl: 'https://content.dropbox.com/upload', transport: 'formdata',
    files: [{ path: '/home/alice/sales.csv', name: 'sales.csv', selectedBy: 'input' }], ...extra,
  };
}

async function paired(s: ReturnType<typeof setup>) {
  await s.sensor.start(s.emit, new AbortController().signal);
  const response = await s.routes.call('POST', extensionRoutes.pair, { origin: ORIGIN, body: hello });
  expect(response.status).toBe(200);
  return (response.body as { token: string; uninstallKey: string });
}

describe('UploadSensor', () => {
  it('records a reported upload once, hashing the real file, with destination, category and an alert', async () => {
    const s = setup();
    const { token } = await paired(s);
    const first = await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report() });
    expect(first).toMatchObject({ status: 200, body: { recorded: 1 } });
    const again = await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report() });
    expect(again.body).toMatchObject({ duplicate: true });
    const uploads = s.events.filter((e) => e.upload);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toEqual({ user: 'alice', upload: {
      pageUrl: 'https://www.dropbox.com/home', destinationHost: 'content.dropbox.com', destinationUrl: 'https://content.dropbox.com/upload',
      fileName: 'sales.csv', sizeBytes: 1234, sha256: SHA, method: 'input+formdata', category: 'personal_cloud',
      browser: 'chromium', browserProfile: 'profile-0001', localPath: '/home/alice/sales.csv', userSource: 'logged_in',
    } });
    expect(s.hashed).toEqual(['/home/alice/sales.csv']);
    expect(s.events.find((e) => e.policyDecision)?.policyDecision).toMatchObject({ subject: 'upload', decision: 'alert', rule: 'upload.alert_categories.personal_cloud' });
  });

  it('never alerts for the organisation’s own domains, and takes size and hash from the browser only for path-less files', async () => {
    const s = setup();
    const { token } = await paired(s);
    await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({
      destinationUrl: 'https://files.corp.example/put', transport: 'blob',
      files: [{ name: 'plan.pdf', selectedBy: 'drop', size: 10, sha256: SHA }],
    }) });
    expect(s.events.filter((e) => e.upload)[0]?.upload).toMatchObject({ category: 'organisation', sizeBytes: 10, sha256: SHA, localPath: '', method: 'drop+blob' });
    expect(s.events.some((e) => e.policyDecision)).toBe(false);
    expect(s.hashed).toEqual([]);
  });

  it('refuses anything not from the pinned extension origin, without a token, or malformed, and records nothing', async () => {
    const s = setup({ reportBurst: 100 });
    const { token } = await paired(s);
    const before = s.events.length;
    const attempts = [
      await s.routes.call('POST', extensionRoutes.uploads, { origin: 'https://evil.example', token, body: report() }),
      await s.routes.call('POST', extensionRoutes.uploads, { token, body: report() }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', token, body: report() }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token: 'forged', body: report() }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ files: [] }) }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ extra: 1 }) }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ files: [{ name: 'x', selectedBy: 'input' }] }) }),
      await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ profileId: 'profile-9999' }) }),
      await s.routes.call('POST', extensionRoutes.pair, { origin: 'https://evil.example', body: hello }),
    ];
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 401, 400, 400, 400, 403, 403]);
    expect(s.events.length).toBe(before);
    expect(s.sensor.status().detail).toContain('9 reports refused');
  });

  it('rate-limits reports per profile', async () => {
    const s = setup();
    const { token } = await paired(s);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ reportId: `r${i}` }) })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    s.advance(1000);
    expect((await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ reportId: 'r9' }) })).status).toBe(200);
  });

  it('records an upload whose file vanished with empty size and hash rather than dropping it', async () => {
    const s = setup();
    const { token } = await paired(s);
    await s.routes.call('POST', extensionRoutes.uploads, { origin: ORIGIN, token, body: report({ files: [{ path: '/tmp/missing.csv', name: 'missing.csv', selectedBy: 'script' }] }) });
    expect(s.events.filter((e) => e.upload)[0]?.upload).toMatchObject({ fileName: 'missing.csv', sizeBytes: 0, sha256: '' });
  });

  it('reports extension health per profile: alive on pairing, not alive when heartbeats stop, alive again, removed', async () => {
    const s = setup();
    const { token, uninstallKey } = await paired(s);
    const health = () => s.events.filter((e) => e.extensionHealth).map((e) => [e.extensionHealth!.profile, e.extensionHealth!.installed, e.extensionHealth!.alive]);
    expect(health()).toEqual([['profile-0001', true, true]]);
    s.advance(30_000);
    await s.routes.call('POST', extensionRoutes.heartbeat, { origin: ORIGIN, token, body: hello });
    s.advance(59_000);
    s.sensor.checkHealth();
    expect(health()).toHaveLength(1);
    s.advance(2_000);
    s.sensor.checkHealth();
    expect(health()).toEqual([['profile-0001', true, true], ['profile-0001', true, false]]);
    await s.routes.call('POST', extensionRoutes.heartbeat, { origin: ORIGIN, token, body: hello });
    expect(health()).toHaveLength(3);
    expect((await s.routes.call('GET', extensionRoutes.uninstalled, { query: 'p=profile-0001&k=wrong' })).status).toBe(403);
    expect((await s.routes.call('GET', extensionRoutes.uninstalled, { query: `p=profile-0001&k=${uninstallKey}` })).status).toBe(200);
    expect(health().at(-1)).toEqual(['profile-0001', false, false]);
  });

  it('says it is degraded without a local endpoint instead of failing', async () => {
    const s = setup();
    const sensor = new UploadSensor({ routes: undefined, config: UploadSensorConfigSchema.parse({}), policy: new PolicyHolder(), currentUser: () => '', hasher: { hash: async () => ({ size: 0, sha256: '' }) } });
    expect((await sensor.start(s.emit, new AbortController().signal)).state).toBe('degraded');
  });
});

describe('categorise', () => {
  it('matches subdomains and prefers the longest domain', () => {
    const categories = { personal_cloud: ['google.com'], webmail: ['mail.google.com'] };
    expect(categorise('MAIL.google.com', categories)).toBe('webmail');
    expect(categorise('drive.google.com', categories)).toBe('personal_cloud');
    expect(categorise('notgoogle.com', categories)).toBe('uncategorised');
  });
});

describe('pinned extension id', () => {
  it('is the id Chrome derives from the manifest key', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../../browser-extension/manifest.json', import.meta.url), 'utf8')) as { key: string };
    expect(extensionIdFromKey(manifest.key)).toBe(PINNED_EXTENSION_ID);
  });
});
