import type { FastifyInstance } from 'fastify';
import { collectorTimeZone } from '../../settings/settings-service.ts';
import type { RouteDeps } from './deps.ts';

/**
 * How every signed-in person sees times: the organisation's time zone (settings page; the collector's own zone
 * until an admin sets one). The console and the CLI format every time in it.
 */
export function displayRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/display', { preHandler: deps.requireRole('auditor') }, async () => ({ timeZone: deps.settings?.timeZone ?? collectorTimeZone() }));
}
