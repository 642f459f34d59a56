import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { pcSensorHealth, summariseSensorHealth } from '../../sensor-health/sensor-health.ts';
import type { RouteDeps } from './deps.ts';
import { sendError, sendInvalid } from './request-context.ts';

const PcParams = z.object({ pc: z.string().min(1).max(300) }).strict();

/** Sensor health: every PC's sensors as its agent last reported them (with since when off), and one PC's. */
export function sensorHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  if (!deps.repos) return; // narrow route tests build the server without repositories
  const repo = deps.repos.sensorHealth;

  app.get('/api/sensor-health', { preHandler: deps.requireRole('auditor') }, async () => (
    summariseSensorHealth(await repo.currentSensors(), await repo.degradations())
  ));

  app.get('/api/pcs/:pc/sensors', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const params = PcParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const row = await repo.sensorsOf(params.data.pc);
    if (!row) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `no PC named ${params.data.pc}`));
    const tracked = new Map((await repo.degradations()).filter((d) => d.pc === row.pc).map((d) => [`${d.pc}\u0000${d.sensor}`, d]));
    return pcSensorHealth(row, tracked);
  });
}
