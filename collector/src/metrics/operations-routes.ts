import type { FastifyInstance } from 'fastify';
import type { OperationsRepository } from '../store/repositories/operations.ts';
import type { OperationsMetrics } from './operations-metrics.ts';

/**
 * GET /metrics (Prometheus text format) and GET /health for load balancers: 200 while the database answers,
 * 503 with the reason when it does not. Neither needs a session: scrapers and load balancers have none, and
 * neither shows event content (counts and states only).
 */
export function operationsRoutes(app: FastifyInstance, deps: { metrics: OperationsMetrics; operations: OperationsRepository; startedMs: number; now: () => number }): void {
  app.get('/metrics', async (_request, reply) => {
    await deps.metrics.refresh();
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
  app.get('/health', async (_request, reply) => {
    try {
      await deps.operations.ping();
      return reply.header('cache-control', 'no-store').send({ status: 'ok', uptimeSeconds: Math.round((deps.now() - deps.startedMs) / 1000) });
    } catch (error) {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
}
