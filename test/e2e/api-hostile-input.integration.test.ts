import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTestAgent, enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, type TestCollector } from '../harness/collector.ts';
import { sampleEvent } from '../harness/sample-events.ts';

/**
 * Every API route the collector registers, sent hostile input by a signed-in admin: malformed JSON, wrong types,
 * prototype-pollution keys, path traversal, NUL and bidi characters, absurd numbers, repeated query keys. Each must
 * answer with a clear client error (or a normal answer), never a 5xx, and nothing already accepted may be lost.
 * The routes are read from the server itself, so a route added later is covered without editing this file.
 */

interface Route { method: string; path: string }

/** Parses Fastify's `printRoutes({ commonPrefix: false })` tree ("├── /api/x (GET, HEAD)", children indented by 4). */
export function parseRouteTree(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const marker = line.search(/[├└]── /);
    if (marker < 0) continue;
    const depth = marker / 4;
    const match = /^(\S+?)(?: \(([^)]*)\))?$/.exec(line.slice(marker + 4).trim());
    if (!match) continue;
    stack.length = depth;
    stack.push(match[1]!);
    const path = stack.join('');
    for (const method of (match[2] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) routes.push({ method, path });
  }
  return routes;
}

const hostileSegments = ['%00', '..%2F..%2Fetc%2Fpasswd', '99999999999999999999999', '-1', '%E2%80%AEexe.jpg', 'x'.repeat(3000), '%27%20OR%201%3D1--'];
const hostileQuery = 'limit=-1&limit=99999999999&offset=abc&from=not-a-date&to=1e309&q=%00%E2%80%AE&status=bogus&severity[]=1&pc=%27--&kind=..%2F';
const hostileBodies: string[] = [
  '{',
  'null',
  '[]',
  '"text"',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  JSON.stringify({ id: -1, pc: 5, until: 'tomorrow-ish', reason: { nested: true }, serial: ['a'], ids: 'all', note: '\u202e\u0000', limit: Number.MAX_VALUE * 2 }),
  JSON.stringify({ ids: Array.from({ length: 5000 }, (_, i) => i), name: 'x'.repeat(100_000) }),
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
];

/** Routes whose purpose is to end the caller's own session or to stream forever; exercised elsewhere. */
const skipped = new Set(['DELETE /api/session', 'POST /api/session']);

describe('API routes under hostile input', () => {
  let c: TestCollector;
  let cookie = '';
  let csrf = '';
  let acceptedSeq = 0;

  beforeAll(async () => {
    c = await startTestCollector();
    const agent = await runTestAgent(await enrollTestAgent(await c.token()));
    for (let i = 0; i < 20; i += 1) agent.recorder.record(sampleEvent(i));
    expect(await agent.uplink.drained(15_000)).toBe(true);
    await agent.stop();
    const signIn = await fetch(new URL('/api/session', c.httpUrl), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: c.adminPassword }),
    });
    expect(signIn.status).toBe(200);
    cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
    acceptedSeq = await storedSeq();
    expect(acceptedSeq).toBeGreaterThanOrEqual(20);
  }, 60_000);

  afterAll(async () => { await c?.close(); });

  async function storedSeq(): Promise<number> {
    const agents = await fetch(new URL('/api/agents', c.httpUrl), { headers: { cookie } });
    expect(agents.status).toBe(200);
    return ((await agents.json()) as Array<{ lastSeq: number }>)[0]!.lastSeq;
  }

  async function send(method: string, path: string, body?: string): Promise<number> {
    const response = await fetch(new URL(path, c.httpUrl), {
      method, signal: AbortSignal.timeout(20_000),
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    });
    // Streams (server-sent events) answer with headers at once and never end: the status is what is checked.
    await response.body?.cancel();
    return response.status;
  }

  it('answers every route with a client error or a normal answer, never a server error, and keeps what it had', async () => {
    const routes = parseRouteTree(c.app.http.printRoutes({ commonPrefix: false }))
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS' && !skipped.has(`${r.method} ${r.path}`));
    // The parse found the routes the console relies on: a broken parser must not make this test vacuous.
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: 'GET', path: '/api/alerts' });

    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    for (const route of routes) {
      const paths = route.path.includes(':')
        ? hostileSegments.map((segment) => route.path.replace(/:[^/]+/g, segment))
        : [route.path];
      for (const path of paths) {
        const url = `${path}?${hostileQuery}`;
        const bodies = route.method === 'GET' || route.method === 'DELETE' ? [undefined] : hostileBodies;
        for (const body of bodies) {
          const status = await send(route.method, url, body);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) serverErrors.push(`${route.method} ${url.slice(0, 120)} ${body?.slice(0, 60) ?? ''} → ${status}`);
        }
      }
    }
    expect(serverErrors).toEqual([]);
    // The session held throughout (no 401), so the input reached each handler rather than the sign-in check.
    expect(statuses.get(401) ?? 0).toBe(0);
    console.log(`hostile input: ${routes.length} routes, answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);

    // Still signed in, still answering, and the evidence accepted before is all there.
    expect(await send('GET', '/api/session')).toBe(200);
    expect(await storedSeq()).toBe(acceptedSeq);
  }, 240_000);
});
