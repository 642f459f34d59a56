import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import type { RouteDeps } from './deps.ts';

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const JobsQuery = z.object({
  q: z.string().max(500).optional(),
  user: z.string().max(500).optional(),
  printer: z.string().max(500).optional(),
  pc: z.string().max(500).optional(),
  action: z.enum(['logged', 'alerted', 'held', 'cancelled']).optional(),
  minPages: optionalInt(0),
  from: optionalInt(0),
  to: optionalInt(0),
  before: optionalInt(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const TotalsQuery = z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) }).strict();

function invalid(reply: FastifyReply, error: z.ZodError) {
  const problem = new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return reply.code(problem.httpStatus).send({ error: problem.code, message: problem.message });
}

/** Print job log: search (who printed what, where, how much) and per-user totals. Read-only: auditors and up. */
export function printRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/print/jobs', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = JobsQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    const q = parsed.data;
    const jobs = await deps.repos.print.search({
      text: q.q, user: q.user, printer: q.printer, pc: q.pc, action: q.action, minPages: q.minPages,
      fromMs: q.from, toMs: q.to, beforeId: q.before, limit: q.limit,
    });
    return { jobs, next: jobs.length === q.limit ? jobs[jobs.length - 1]?.id : undefined };
  });

  app.get('/api/print/totals', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = TotalsQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    return { totals: await deps.repos.print.totals(parsed.data.from, parsed.data.to) };
  });
}
