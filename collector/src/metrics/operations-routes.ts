import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { OperationsQueries } from '../store/sqlite/queries/operations.ts';

/**
 * GET /metrics (Prometheus text format) and GET /health for load balancers: 200 while the database answers,
 * 503 with the reason when it does not. Neither needs a session: scrapers and load balancers have none, and
 * neither shows event content (counts and states only).
 */
export function operationsRoutes(app: FastifyInstance, deps: { registry: Registry; operations: OperationsQueries; startedMs: number; now: () => number }): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
  app.get('/health', async (_request, reply) => {
    try {
      deps.operations.ping();
      return reply.header('cache-control', 'no-store').send({ status: 'ok', uptimeSeconds: Math.round((deps.now() - deps.startedMs) / 1000) });
    } catch (error) {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
}
