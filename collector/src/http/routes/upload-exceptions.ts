import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import {
  grantUploadException, revokeUploadException, type UploadExceptionDeps,
} from '../../upload-exceptions/upload-exception-service.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const GrantBody = z.object({
  pc: z.string().min(1).max(300),
  user: z.string().min(1).max(128).optional(),
  category: z.string().min(1).max(64).optional(),
  domain: z.string().min(1).max(253).optional(),
  untilMs: z.number().int(),
  reason: z.string().max(1_000).default(''),
}).strict();

const ListQuery = z.object({ pc: z.string().min(1).max(300).optional() }).strict();
const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();

function sendCaught(reply: FastifyReply, error: unknown) {
  if (error instanceof CollectorError) return sendError(reply, error);
  throw error;
}

/** What granting an upload exception needs, from the route deps (undefined in narrow tests without policy or store). */
export function uploadExceptionService(deps: RouteDeps): UploadExceptionDeps | undefined {
  const { policy, store } = deps;
  if (!policy || !store) return undefined;
  return {
    repo: deps.repos.uploadExceptions, store, now: deps.now ?? Date.now,
    pcNames: () => deps.repos.deviceControl.pcNames(),
    categories: () => Object.keys(policy.current.categories),
  };
}

/**
 * One-click upload exceptions: an operator lifts an upload block or warning for one PC (optionally one user), one
 * category or one domain, until a time; pushed with the PC's policy at once, revocable, every change audited.
 */
export function uploadExceptionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  if (!deps.policy || !deps.store) return; // narrow route tests build the server without these
  const policy = required(deps.policy, 'policy');
  const service = uploadExceptionService(deps)!;

  app.get('/api/upload/exceptions', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const nowMs = service.now();
    const exceptions = parsed.data.pc ? await service.repo.active(parsed.data.pc, nowMs) : await service.repo.activeAll(nowMs, 500);
    return { exceptions };
  });

  app.post('/api/upload/exceptions', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const parsed = GrantBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    try {
      const exception = await grantUploadException(service, parsed.data, actorOf(request).username);
      await policy.push(exception.pc); // without waiting for the watcher
      return reply.code(201).send({ exception });
    } catch (error) {
      return sendCaught(reply, error);
    }
  });

  app.delete('/api/upload/exceptions/:id', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    try {
      const exception = await revokeUploadException(service, params.data.id, actorOf(request).username);
      await policy.push(exception.pc);
      return { exception };
    } catch (error) {
      return sendCaught(reply, error);
    }
  });
}
