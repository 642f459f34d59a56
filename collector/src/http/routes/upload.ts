import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import type { RouteDeps } from './deps.ts';

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const UploadsQuery = z.object({
  q: z.string().max(500).optional(),
  pc: z.string().max(500).optional(),
  user: z.string().max(500).optional(),
  category: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
  host: z.string().max(253).optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  from: optionalInt(0),
  to: optionalInt(0),
  before: optionalInt(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const HealthQuery = z.object({
  pc: z.string().max(500).optional(),
  problems: z.enum(['true', 'false']).optional(),
}).strict();

function invalid(reply: FastifyReply, error: z.ZodError) {
  const problem = new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return reply.code(problem.httpStatus).send({ error: problem.code, message: problem.message });
}

/** Web uploads (search by file, hash, destination, category) and the browser extension's health per PC. Read-only. */
export function uploadRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/upload/uploads', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = UploadsQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    const q = parsed.data;
    const uploads = await deps.repos.upload.search({
      text: q.q, pc: q.pc, user: q.user, category: q.category, host: q.host, sha256: q.sha256,
      fromMs: q.from, toMs: q.to, beforeId: q.before, limit: q.limit,
    });
    return { uploads, next: uploads.length === q.limit ? uploads[uploads.length - 1]?.id : undefined };
  });

  app.get('/api/upload/extension-health', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = HealthQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    return { profiles: await deps.repos.upload.extensionHealth({ pc: parsed.data.pc, problemsOnly: parsed.data.problems === 'true' }) };
  });
}
