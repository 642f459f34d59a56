import type { FastifyInstance } from 'fastify';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords.ts';
import { CollectorError } from '../errors.ts';
import { RateLimitedRecorder } from '../rate-limited-recorder.ts';
import type { Store } from '../store/store.ts';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import type { SessionStore } from './sessions.ts';

export interface SignInDeps {
  store: Store;
  sessions: SessionStore;
  now: () => number;
  cookieName: string;
  secureCookie: boolean;
  throttle?: Partial<LoginThrottleOptions>;
  /** Monotonic clock for throttling and audit rate limits (tests pass a fake one). */
  monotonicNow?: () => number;
}

interface Refused {
  username: string;
  ip: string;
  outcome: 'wrong_credentials' | 'throttled';
}

const maxUsername = 256;
// scrypt's cost grows with the input: a megabyte "password" must not buy a megabyte of hashing.
const maxPassword = 1_024;

/**
 * POST /api/session: sign-in with throttling per account and address (see LoginThrottle) and an audit entry for
 * every success and every failure — failures and refusals rate-limited (first at once, then a count per minute
 * for each address and name), so a guessing flood leaves a readable record instead of a full disk.
 */
export function signInRoute(app: FastifyInstance, deps: SignInDeps): void {
  const throttle = new LoginThrottle({ ...deps.throttle, ...(deps.monotonicNow ? { monotonicNow: deps.monotonicNow } : {}) });
  const audit = (entry: Parameters<Store['appendAudit']>[0]) => deps.store.appendAudit(entry).catch((error: unknown) => {
    console.error('mamori sign-in audit:', error);
  });
  const refusals = new RateLimitedRecorder<Refused>({
    windowMs: 60_000, maxKeys: 1_000, overflowKey: 'overflow', ...(deps.monotonicNow ? { monotonicNow: deps.monotonicNow } : {}),
    write: ({ first, count, detail }) => void audit({
      timeMs: deps.now(), actor: detail.username, action: detail.outcome === 'throttled' ? 'session.sign_in_throttled' : 'session.sign_in_failed',
      entry: { username: detail.username, ip: detail.ip, count, ...(first ? {} : { windowS: 60 }) },
    }),
  });
  app.addHook('onClose', async () => refusals.close());

  app.post('/api/session', async (request, reply) => {
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof body.username !== 'string' || typeof body.password !== 'string' || body.username.length > maxUsername || body.password.length > maxPassword) {
      throw new CollectorError('COLLECTOR_LOGIN_INVALID', `username (≤ ${maxUsername}) and password (≤ ${maxPassword}) as strings`);
    }
    const username = body.username;
    const ip = request.ip;
    const verdict = throttle.begin(username, ip);
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      refusals.hit(`throttled ${ip}`, { username, ip, outcome: 'throttled' });
      reply.header('retry-after', String(seconds));
      throw new CollectorError('COLLECTOR_LOGIN_THROTTLED', `try again in ${seconds} s`);
    }
    let user: Awaited<ReturnType<Store['getUser']>>;
    let ok = false;
    try {
      user = await deps.store.getUser(username);
      // An unknown name costs the same hashing as a known one: the answer's timing must not tell which exist.
      ok = await verifyPassword(body.password, user?.passwordHash ?? await decoyPasswordHash()) && user !== undefined;
    } finally {
      if (ok) verdict.attempt.succeeded();
      else verdict.attempt.failed();
    }
    if (!ok || !user) {
      refusals.hit(`failed ${ip} ${username}`, { username, ip, outcome: 'wrong_credentials' });
      throw new CollectorError('COLLECTOR_LOGIN_FAILED');
    }
    const session = deps.sessions.create(user.username, user.role);
    reply.setCookie(deps.cookieName, session.id, {
      httpOnly: true, sameSite: 'strict', secure: deps.secureCookie, path: '/', maxAge: 12 * 3600,
    });
    await audit({ timeMs: deps.now(), actor: user.username, action: 'session.sign_in', entry: { username: user.username, ip } });
    return { username: user.username, role: user.role, csrfToken: session.csrfToken };
  });
}
