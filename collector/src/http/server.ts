import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.ts';
import type { CollectorHub } from '../hub.ts';
import type { PolicyService } from '../policy-service.ts';
import type { Repositories } from '../store/repositories/index.ts';
import type { Store } from '../store/store.ts';
import type { Role } from '../store/types.ts';
import { featureRoutes } from './routes/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { LoginThrottleOptions } from './login-throttle.ts';
import type { ReportContext } from '../reports/generate.ts';
import type { RiskService } from '../risk/risk-service.ts';
import { SessionStore, roleAllows, type WebSession } from './sessions.ts';
import { signInRoute } from './sign-in.ts';

declare module 'fastify' {
  interface FastifyRequest {
    webSession?: WebSession;
  }
}

export interface HttpDeps {
  store: Store;
  /** The feature repositories (every query beyond the `Store`). */
  repos: Repositories;
  /** TLS material when the console is served over HTTPS (any non-loopback bind). */
  https?: { certPem: string; keyPem: string };
  now: () => number;
  /** Passed on to feature routes (policies, PCs, alerts stream). */
  policy?: PolicyService;
  hub?: CollectorHub;
  /** The collector's evidence-signing public key (base64) and its fingerprint, shown so auditors can pin it. */
  evidenceKey?: { publicKey: string; fingerprint: string };
  /** Sign-in back-off settings (defaults: OWASP-style, see login-throttle.ts). */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Monotonic clock for sign-in throttling (tests pass a fake one). */
  monotonicNow?: () => number;
  /** Inspection reports (on-demand generation, reviews). */
  reports?: ReportContext;
  settings?: SettingsService;
  /** Risk scoring (recompute, HR import), passed on to its routes. */
  risk?: RiskService;
}

export const sessionCookie = 'mamori_session';
const consoleDist = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/** Builds the console/API server, not yet listening (tests use app.inject). */
export async function buildHttpServer(deps: HttpDeps): Promise<{ app: FastifyInstance; sessions: SessionStore }> {
  const app = Fastify({
    logger: false,
    bodyLimit: 2 * 1024 * 1024,
    ...(deps.https ? { https: { cert: deps.https.certPem, key: deps.https.keyPem } } : {}),
  }) as unknown as FastifyInstance;
  const sessions = new SessionStore();
  await app.register(fastifyCookie);

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof CollectorError) return reply.code(error.httpStatus).send({ error: error.code, message: error.message });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: status >= 500 ? 'COLLECTOR_INTERNAL' : 'COLLECTOR_BAD_REQUEST', message: (error as Error).message });
  });

  app.decorateRequest('webSession', undefined);
  app.addHook('onRequest', async (request) => {
    request.webSession = sessions.get(request.cookies[sessionCookie]);
  });

  const requireRole = (role: Role) => async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const session = request.webSession;
    if (!session) throw new CollectorError('COLLECTOR_AUTH_REQUIRED');
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new CollectorError('COLLECTOR_CSRF');
    }
    if (!roleAllows(session.role, role)) throw new CollectorError('COLLECTOR_FORBIDDEN', `needs ${role}, you are ${session.role}`);
  };

  signInRoute(app, {
    store: deps.store, sessions, now: deps.now, cookieName: sessionCookie, secureCookie: Boolean(deps.https),
    ...(deps.loginThrottle ? { throttle: deps.loginThrottle } : {}), ...(deps.monotonicNow ? { monotonicNow: deps.monotonicNow } : {}),
  });

  app.get('/api/session', { preHandler: requireRole('auditor') }, async (request) => {
    const session = request.webSession!;
    return { username: session.username, role: session.role, csrfToken: session.csrfToken };
  });

  app.delete('/api/session', { preHandler: requireRole('auditor') }, async (request, reply) => {
    sessions.delete(request.webSession!.id);
    reply.clearCookie(sessionCookie, { path: '/' });
    return { ok: true };
  });

  app.get('/api/agents', { preHandler: requireRole('auditor') }, async () => {
    const agents = await deps.store.listAgents();
    return agents.map((a) => ({
      id: a.id, pc: a.pc, os: a.os, enrolledMs: a.enrolledMs, retired: a.retiredMs !== null, connected: a.connected,
      lastSeenMs: a.lastSeenMs, lastSeq: a.lastSeq, agentVersion: a.agentVersion, policyVersion: a.policyVersion,
      currentUser: a.currentUser, sensors: a.sensors, journalBacklog: a.journalBacklog,
    }));
  });

  app.get('/api/integrity', { preHandler: requireRole('auditor') }, async () => deps.store.listIntegrityFindings());

  const routeDeps = {
    repos: deps.repos, requireRole: requireRole as (role: Role) => (request: unknown, reply: unknown) => Promise<void>,
    store: deps.store, now: deps.now, ...(deps.policy ? { policy: deps.policy } : {}), ...(deps.hub ? { hub: deps.hub } : {}),
    ...(deps.evidenceKey ? { evidenceKey: deps.evidenceKey } : {}), ...(deps.reports ? { reports: deps.reports } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}), ...(deps.risk ? { risk: deps.risk } : {}),
  };
  for (const register of featureRoutes) await register(app, routeDeps);

  if (existsSync(`${consoleDist}index.html`)) {
    // Defence in depth for the console: even if untrusted text from a PC ever reached the DOM as markup, no inline
    // or foreign script would run, and the page cannot be framed.
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/api/')) return;
      reply.header('content-security-policy', consoleCsp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    });
    await app.register(fastifyStatic, { root: consoleDist, prefix: '/' });
    app.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'COLLECTOR_NOT_FOUND', message: 'not found' });
      return reply.sendFile('index.html');
    });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(placeholderPage));
  }
  return { app, sessions };
}

const consoleCsp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const placeholderPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Mamori</title>
<body style="font-family:system-ui;margin:3rem"><h1>Mamori collector</h1>
<p>The collector is running. The console has not been built yet (<code>npm run build -w console</code>).</p>
<p>API: <code>POST /api/session</code>, <code>GET /api/agents</code>.</p></body></html>`;
