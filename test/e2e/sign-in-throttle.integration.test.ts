import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startTestCollector, type TestCollector } from '../harness/collector.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c.close());

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }

/** A real HTTP request to the collector's console port, sent from a chosen loopback address (127.0.0.0/8). */
function call(from: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, c.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method, localAddress: from,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const signIn = (from: string, password: string) => call(from, 'POST', '/api/session', { username: 'admin', password });

describe('console sign-in under a brute force (real collector, real HTTP, two source addresses)', () => {
  it('throttles the guessing address only; the admin signs in from another address throughout; both are audited', async () => {
    const attacker = '127.0.0.2';
    const admin = '127.0.0.3';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await signIn(attacker, `guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);

    const refused = await signIn(attacker, c.adminPassword);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('COLLECTOR_LOGIN_THROTTLED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const signedIn = await signIn(admin, c.adminPassword);
    expect(signedIn.status).toBe(200);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const audit = await call(admin, 'GET', '/api/audit?action=session.', undefined, { cookie });
    const entries = (audit.body.entries as { action: string; actor: string; entry: Record<string, unknown> }[]).reverse();
    expect(entries.map((e) => [e.action, e.entry.ip, e.entry.username, e.entry.count])).toEqual([
      ['session.sign_in_failed', attacker, 'admin', 1],
      ['session.sign_in_throttled', attacker, 'admin', 1],
      ['session.sign_in', admin, 'admin', undefined],
    ]);
  });
});
