import type { FastifyInstance } from 'fastify';
import { createUnlockCode, randomUnlockNonce } from '@mamori/proto';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { createDeviceException } from '../../exceptions.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const maxExceptionMs = 30 * 24 * 3_600_000;

const ExceptionBody = z.object({
  pc: z.string().min(1).max(300),
  serial: z.string().min(1).max(300).optional(),
  mode: z.enum(['allow', 'read_only', 'audit']),
  untilMs: z.number().int(),
  reason: z.string().max(1_000).default(''),
}).strict();

const UnlockBody = z.object({
  pc: z.string().min(1).max(300),
  serial: z.string().min(1).max(300).optional(),
  untilMs: z.number().int(),
}).strict();

const ListQuery = z.object({ pc: z.string().min(1).max(300) }).strict();

/**
 * Temporary per-PC device exceptions (stored, then pushed to the agent by the collector's exception watcher) and
 * offline unlock codes for PCs that cannot be reached. Operators and admins; every grant is audited.
 */
export function exceptionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  const checkUntil = (untilMs: number, nowMs: number): CollectorError | undefined => {
    if (untilMs <= nowMs) return new CollectorError('COLLECTOR_QUERY_INVALID', 'untilMs: must be in the future');
    if (untilMs > nowMs + maxExceptionMs) return new CollectorError('COLLECTOR_QUERY_INVALID', 'untilMs: at most 30 days ahead');
    return undefined;
  };

  app.get('/api/exceptions', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    return { exceptions: await store.activeDeviceExceptions(parsed.data.pc, now()) };
  });

  app.post('/api/exceptions', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const parsed = ExceptionBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const body = parsed.data;
    const nowMs = now();
    const bad = checkUntil(body.untilMs, nowMs);
    if (bad) return sendError(reply, bad);
    if (!await deps.repos.pcs.currentUnlockKey(body.pc)) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `no PC named ${body.pc}`));
    const exception = await createDeviceException(store, {
      pc: body.pc, serial: body.serial, mode: body.mode, untilMs: body.untilMs, reason: body.reason, actor: actorOf(request).username, now: nowMs,
    });
    return reply.code(201).send({ exception });
  });

  app.post('/api/exceptions/unlock-code', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const parsed = UnlockBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const body = parsed.data;
    const nowMs = now();
    const bad = checkUntil(body.untilMs, nowMs);
    if (bad) return sendError(reply, bad);
    const key = await deps.repos.pcs.currentUnlockKey(body.pc);
    if (!key) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `no PC named ${body.pc}`));
    const code = createUnlockCode(key, { pc: body.pc, untilMs: body.untilMs, nonce: randomUnlockNonce(), ...(body.serial ? { serial: body.serial } : {}) });
    // The code itself stays out of the audit log (it is a bearer secret until used); who, which PC, until when go in.
    await store.appendAudit({
      timeMs: nowMs, actor: actorOf(request).username, action: 'unlock_code.create',
      entry: { pc: body.pc, serial: body.serial ?? null, untilMs: body.untilMs },
    });
    return reply.code(201).send({ code, pc: body.pc, serial: body.serial ?? null, untilMs: Math.floor(body.untilMs / 60_000) * 60_000 });
  });
}
