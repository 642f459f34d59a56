import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../errors.ts';
import { createLocalServer, hostHeaderAllowed, type LocalServer } from './local-server.ts';
import { RateLimiter } from './rate-limiter.ts';

function call(port: number, options: { method?: string; path: string; body?: string; headers?: Record<string, string> }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('createLocalServer', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  async function start(onRefused?: (reason: string) => void) {
    server = createLocalServer({ port: 0, maxBodyBytes: 100, onRefused });
    const port = await server.listen();
    return { server, port };
  }

  it('routes JSON requests to a registered handler and lets features add and remove routes while listening', async () => {
    const { server, port } = await start();
    const remove = server.route({ method: 'POST', path: '/echo', handler: (r) => ({ status: 200, body: { got: r.body } }) });
    const ok = await call(port, { method: 'POST', path: '/echo', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ got: { a: 1 } });
    expect(() => server.route({ method: 'POST', path: '/echo', handler: () => ({ status: 200 }) })).toThrow(/already/);
    remove();
    expect((await call(port, { method: 'POST', path: '/echo', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);
  });

  it('refuses a Host header that is not the loopback endpoint (DNS rebinding)', async () => {
    const refused: string[] = [];
    const { server, port } = await start((reason) => refused.push(reason));
    server.route({ method: 'GET', path: '/x', handler: () => ({ status: 200 }) });
    expect((await call(port, { path: '/x', headers: { host: `evil.example:${port}` } })).status).toBe(421);
    expect((await call(port, { path: '/x', headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await call(port, { path: '/x', headers: { host: `127.0.0.1:${port + 1}` } })).status).toBe(421);
    expect(refused).toHaveLength(2);
  });

  it('never answers a CORS preflight and never sends Access-Control headers', async () => {
    const { server, port } = await start();
    server.route({ method: 'POST', path: '/x', handler: () => ({ status: 200, body: {} }) });
    const preflight = await call(port, { method: 'OPTIONS', path: '/x', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(404);
    expect(Object.keys(preflight.headers).some((h) => h.startsWith('access-control'))).toBe(false);
  });

  it('caps bodies, requires JSON and turns handler errors into 4xx/5xx without crashing', async () => {
    const { server, port } = await start();
    server.route({ method: 'POST', path: '/x', handler: () => { throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'nope'); } });
    server.route({ method: 'POST', path: '/boom', handler: () => { throw new Error('bug'); } });
    const json = { 'content-type': 'application/json' };
    expect((await call(port, { method: 'POST', path: '/x', body: 'x'.repeat(101), headers: json })).status).toBe(413);
    expect((await call(port, { method: 'POST', path: '/x', body: '{}', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await call(port, { method: 'POST', path: '/x', body: '{', headers: json })).status).toBe(400);
    const invalid = await call(port, { method: 'POST', path: '/x', body: '{}', headers: json });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error).toBe('AGENT_LOCAL_REQUEST_INVALID');
    expect((await call(port, { method: 'POST', path: '/boom', body: '{}', headers: json })).status).toBe(500);
    expect((await call(port, { method: 'POST', path: '/x', body: '{}', headers: json })).status).toBe(400);
  });
});

describe('hostHeaderAllowed', () => {
  it('accepts loopback names with our port only', () => {
    expect(hostHeaderAllowed('127.0.0.1:7444', 7444)).toBe(true);
    expect(hostHeaderAllowed('[::1]:7444', 7444)).toBe(true);
    expect(hostHeaderAllowed('LOCALHOST:7444', 7444)).toBe(true);
    expect(hostHeaderAllowed('127.0.0.1', 7444)).toBe(false);
    expect(hostHeaderAllowed('attacker.test:7444', 7444)).toBe(false);
    expect(hostHeaderAllowed(undefined, 7444)).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the given rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 1, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now = 1000;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });
});
