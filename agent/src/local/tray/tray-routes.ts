import { AgentError } from '../../errors.ts';
import type { LocalRequest, LocalResponse, LocalRoutes } from '../local-server.ts';
import { RateLimiter } from '../rate-limiter.ts';
import type { TrayState } from './tray-service.ts';
import { trayCss, trayHtml, trayScript } from './page/tray-page.ts';

export interface TrayRouteHandlers {
  state(): TrayState;
  /** Resolves when the state's revision moves past `after`, or after `timeoutMs`. */
  changed(after: number, timeoutMs: number): Promise<void>;
  requestAccess(notificationId: unknown, reason: unknown): unknown;
  unlock(code: unknown): Promise<{ untilMs: number; serial?: string }>;
}

const pageHeaders = {
  // The page loads only its own script and style and talks only to this endpoint; it is never framed.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The tray's routes on the agent's loopback endpoint: the page, its state (long-polled), "request access" and
 * offline unlock codes. The endpoint already refuses non-loopback peers, foreign Host headers and CORS; these
 * routes also refuse a POST whose Origin is not this endpoint (a local web page cannot send JSON cross-origin
 * without a preflight, which is refused, but say so explicitly), and rate-limit the two actions.
 */
export function registerTrayRoutes(routes: LocalRoutes, handlers: TrayRouteHandlers, options: { longPollMs?: number } = {}): () => void {
  const longPollMs = options.longPollMs ?? 20_000;
  const limiter = new RateLimiter({ burst: 5, perSecond: 0.2 });
  const sameOrigin = (request: LocalRequest) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    return origin === `http://${request.headers.host}`;
  };
  const guard = (request: LocalRequest, key: string): LocalResponse | undefined => {
    if (!sameOrigin(request)) return { status: 403, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'tray actions come from the tray page only' } };
    if (!limiter.take(key)) return { status: 429, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'too many requests; wait a minute' } };
    return undefined;
  };
  const body = (request: LocalRequest): Record<string, unknown> => {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'expected a JSON object');
    }
    return request.body as Record<string, unknown>;
  };
  const removers = [
    routes.route({ method: 'GET', path: '/tray', handler: () => ({ status: 200, body: trayHtml, contentType: 'text/html; charset=utf-8', headers: pageHeaders }) }),
    routes.route({ method: 'GET', path: '/tray/app.js', handler: () => ({ status: 200, body: trayScript, contentType: 'text/javascript; charset=utf-8' }) }),
    routes.route({ method: 'GET', path: '/tray/app.css', handler: () => ({ status: 200, body: trayCss, contentType: 'text/css; charset=utf-8' }) }),
    routes.route({
      method: 'GET', path: '/tray/v1/state',
      handler: async (request) => {
        const raw = request.query.get('after');
        const after = raw === null || raw === '' ? Number.NaN : Number(raw);
        if (Number.isInteger(after) && after >= 0 && after === handlers.state().revision) await handlers.changed(after, longPollMs);
        return { status: 200, body: handlers.state() };
      },
    }),
    routes.route({
      method: 'POST', path: '/tray/v1/access-requests', maxBodyBytes: 4096,
      handler: (request) => {
        const refused = guard(request, 'access');
        if (refused) return refused;
        const { notificationId, reason } = body(request);
        return { status: 201, body: { request: handlers.requestAccess(notificationId, reason) } };
      },
    }),
    routes.route({
      method: 'POST', path: '/tray/v1/unlock', maxBodyBytes: 1024,
      handler: async (request) => {
        const refused = guard(request, 'unlock');
        if (refused) return refused;
        return { status: 200, body: await handlers.unlock(body(request).code) };
      },
    }),
  ];
  return () => removers.forEach((remove) => remove());
}
