import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import { PolicyService } from '../policy-service.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { buildHttpServer } from './server.ts';

const password = 'correct horse battery staple';
let hashed: string | undefined;
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function setup() {
  const store = new SqliteStore(':memory:');
  // A cheap scrypt cost keeps this fast; the cost travels with the hash, so verification follows it.
  hashed ??= await hashPassword(password, { N: 2 ** 10 });
  await store.putUser({ username: 'admin', passwordHash: hashed, role: 'admin', createdMs: 0 });
  await store.putUser({ username: 'sato', passwordHash: hashed, role: 'auditor', createdMs: 0 });
  const wall = { now: Date.UTC(2026, 11, 1, 9) };
  const mono = { now: 5_000 };
  const policy = new PolicyService(store, new SessionRegistry(), () => wall.now);
  await policy.load();
  const { app } = await buildHttpServer({ store, repos: store.repos, now: () => wall.now, policy, monotonicNow: () => mono.now });
  await app.ready();
  let closed = false;
  const close = async () => {
    if (!closed) await app.close();
    closed = true;
  };
  running.push(async () => { await close(); await store.close(); });
  const signIn = (from: string, username: string, secret: string) => app.inject({ method: 'POST', url: '/api/session', remoteAddress: from, payload: { username, password: secret } });
  const audit = async () => (await store.listAudit(1_000)).filter((e) => e.action.startsWith('session.'))
    .sort((a, b) => a.id - b.id).map((e) => ({ action: e.action, actor: e.actor, ...e.entry }));
  return { app, store, wall, mono, signIn, audit, close };
}

describe('POST /api/session: throttling per account and address, audited', () => {
  it('slows and then refuses a brute force from one address only: the right password from another address always gets in', async () => {
    const { signIn, mono, wall } = await setup();
    const attacker = '10.0.0.66';
    const admin = '10.0.0.7';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push((await signIn(attacker, 'admin', `guess-${i}`)).statusCode);
      // The admin signs in from their own PC in the middle of it, every time.
      if (i % 4 === 3) expect((await signIn(admin, 'admin', password)).statusCode).toBe(200);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429, 429]);

    const refused = await signIn(attacker, 'admin', password);
    expect(refused.statusCode).toBe(429); // refused before the password is looked at: no oracle while throttled
    expect(refused.json()).toMatchObject({ error: 'COLLECTOR_LOGIN_THROTTLED' });
    expect(refused.headers['retry-after']).toBe('1');
    // The wall clock moving back does not lift the wait, nor does it forward: only elapsed (monotonic) time does.
    wall.now -= 2 * 3_600_000;
    expect((await signIn(attacker, 'admin', password)).statusCode).toBe(429);

    // Each further failure doubles the wait: 1 s, 2 s, 4 s …
    mono.now += 1_000;
    expect((await signIn(attacker, 'admin', 'guess-x')).statusCode).toBe(401);
    expect((await signIn(attacker, 'admin', password)).headers['retry-after']).toBe('2');
    mono.now += 2_000;
    expect((await signIn(attacker, 'admin', 'guess-y')).statusCode).toBe(401);
    expect((await signIn(attacker, 'admin', password)).headers['retry-after']).toBe('4');
    // After the wait, the right password works from there too: a back-off, never a lockout.
    mono.now += 4_000;
    expect((await signIn(attacker, 'admin', password)).statusCode).toBe(200);
  });

  it('holds back every address that failed at an account under a spread-out attack, but never one that did not fail', async () => {
    const { signIn } = await setup();
    for (let i = 1; i <= 12; i += 1) expect((await signIn(`10.1.0.${i}`, 'admin', `guess-${i}`)).statusCode).toBe(401);
    const failedOnce = await signIn('10.1.0.1', 'admin', password);
    expect(failedOnce.statusCode).toBe(429);
    expect(Number(failedOnce.headers['retry-after'])).toBeGreaterThanOrEqual(2);
    expect((await signIn('10.9.9.9', 'admin', password)).statusCode).toBe(200);
    // Other accounts from a failing address are not held back by the account-wide back-off.
    expect((await signIn('10.1.0.1', 'sato', password)).statusCode).toBe(200);
  });

  it('audits successes and failures with user name and address; a flood of failures and refusals is audited rate-limited with counts', async () => {
    const { signIn, audit, close } = await setup();
    expect((await signIn('10.0.0.7', 'admin', password)).statusCode).toBe(200);
    for (let i = 0; i < 30; i += 1) await signIn('10.0.0.66', 'admin', `guess-${i}`);
    expect((await signIn('10.0.0.66', 'nobody', 'x')).statusCode).toBe(401);
    expect(await audit()).toEqual([
      { action: 'session.sign_in', actor: 'admin', username: 'admin', ip: '10.0.0.7' },
      { action: 'session.sign_in_failed', actor: 'admin', username: 'admin', ip: '10.0.0.66', count: 1 },
      { action: 'session.sign_in_throttled', actor: 'admin', username: 'admin', ip: '10.0.0.66', count: 1 },
      { action: 'session.sign_in_failed', actor: 'nobody', username: 'nobody', ip: '10.0.0.66', count: 1 },
    ]);
    // The counts held back are written once the minute is over (here: at shutdown, which writes them at once).
    await close();
    expect((await audit()).slice(4)).toEqual([
      { action: 'session.sign_in_failed', actor: 'admin', username: 'admin', ip: '10.0.0.66', count: 3, windowS: 60 },
      { action: 'session.sign_in_throttled', actor: 'admin', username: 'admin', ip: '10.0.0.66', count: 25, windowS: 60 },
    ]);
  });

  it('answers a malformed or oversized sign-in with a clear 400', async () => {
    const { app } = await setup();
    const missing = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'COLLECTOR_LOGIN_INVALID' });
    const huge = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: 'x'.repeat(100_000) } });
    expect(huge.json()).toMatchObject({ error: 'COLLECTOR_LOGIN_INVALID' });
  });
});
