import { afterEach, describe, expect, it } from 'vitest';
import { PolicyHolder } from '../../core/policy-holder.ts';
import { AgentError } from '../../errors.ts';
import { createLocalServer, type LocalServer } from '../local-server.ts';
import { startTray, type Tray } from './tray-service.ts';

let server: LocalServer | undefined;
let tray: Tray | undefined;
afterEach(async () => {
  tray?.stop();
  await server?.close();
});

async function start() {
  server = createLocalServer({ port: 0 });
  const port = await server.listen();
  tray = startTray({
    routes: server, policy: new PolicyHolder(), emit: () => 1, user: () => 'u', pc: () => 'PC-1', longPollMs: 5_000,
    unlock: async (code) => { if (code !== 'GOOD') throw new AgentError('AGENT_UNLOCK_CODE_INVALID', 'wrong code'); return { id: 'x', mode: 'allow', untilMs: 42 }; },
  });
  return { port, tray, base: `http://127.0.0.1:${port}` };
}

describe('tray routes', () => {
  it('serves the page with a strict CSP and no framing', async () => {
    const { base } = await start();
    const page = await fetch(`${base}/tray`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('/tray/app.js');
    expect((await fetch(`${base}/tray/app.js`)).headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers state at once, and a long poll as soon as something is blocked', async () => {
    const { base, tray } = await start();
    const first = await (await fetch(`${base}/tray/v1/state`)).json() as { revision: number; monitored: boolean; purpose: { en: string } };
    expect(first.monitored).toBe(true);
    expect(first.purpose.en).toMatch(/monitored/);
    const waiting = fetch(`${base}/tray/v1/state?after=${first.revision}`).then((r) => r.json() as Promise<{ revision: number; notifications: unknown[] }>);
    await new Promise((resolve) => setTimeout(resolve, 50));
    tray.notifier.notify({ kind: 'upload', message: 'blocked', rule: 'r', subject: 'sales.xlsx' });
    const next = await waiting;
    expect(next.revision).toBeGreaterThan(first.revision);
    expect(next.notifications).toHaveLength(1);
  });

  it('refuses actions from another origin and reports unlock errors with their code', async () => {
    const { base } = await start();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post('/tray/v1/unlock', { code: 'GOOD' }, { origin: 'http://localhost:9999' })).status).toBe(403);
    expect(await (await post('/tray/v1/unlock', { code: 'GOOD' })).json()).toEqual({ untilMs: 42 });
    const wrong = await post('/tray/v1/unlock', { code: 'BAD' });
    expect(wrong.status).toBe(400);
    expect((await wrong.json() as { error: string }).error).toBe('AGENT_UNLOCK_CODE_INVALID');
    expect((await post('/tray/v1/unlock', ['GOOD'])).status).toBe(400);
  });
});
