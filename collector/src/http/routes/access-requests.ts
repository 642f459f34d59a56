import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { createDeviceException } from '../../exceptions.ts';
import type { AccessRequestRow } from '../../store/repositories/access-requests.ts';
import { grantUploadException, revokeUploadException } from '../../upload-exceptions/upload-exception-service.ts';
import { required, type RouteDeps } from './deps.ts';
import { uploadExceptionService } from './upload-exceptions.ts';

const maxExceptionMs = 30 * 24 * 3_600_000;
const defaultExceptionMs = 4 * 3_600_000;

const ListQuery = z.object({
  status: z.enum(['pending', 'approved', 'declined']).optional(),
  pc: z.string().min(1).max(300).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict();

const IdParams = z.object({ id: z.coerce.number().int().positive() }).strict();

const ApproveBody = z.object({
  /** When the exception ends (default: 4 hours from now; at most 30 days). */
  untilMs: z.number().int().optional(),
  /** Device requests: what the stick may do. */
  mode: z.enum(['allow', 'read_only']).default('allow'),
  /** Upload requests: lift the block for the site's domain (default) or for its whole category. */
  scope: z.enum(['domain', 'category']).default('domain'),
  note: z.string().max(1000).default(''),
}).strict();

const DeclineBody = z.object({ note: z.string().max(1000).default('') }).strict();

function fail(reply: FastifyReply, error: CollectorError) {
  return reply.code(error.httpStatus).send({ error: error.code, message: error.message });
}

function invalid(reply: FastifyReply, error: z.ZodError) {
  return fail(reply, new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')));
}

/**
 * Employees' access requests (the tray's for devices, the browser block message's for uploads): list them
 * (auditors and up), approve (creates a temporary device exception for that PC and stick, which the exception
 * watcher pushes at once, or an upload exception for that PC and site, pushed at once) or decline (operators and up).
 * The answer itself goes back to the PC through the access-request outcome pusher; every decision is audited.
 */
export function accessRequestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;
  const actor = (request: FastifyRequest) => (request as FastifyRequest & { webSession?: { username: string } }).webSession?.username ?? 'unknown';

  app.get('/api/access-requests', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    return { requests: await deps.repos.accessRequests.list(parsed.data) };
  });

  app.post('/api/access-requests/:id/approve', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = ApproveBody.safeParse(request.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const row = await deps.repos.accessRequests.get(params.data.id);
    if (!row) return fail(reply, new CollectorError('COLLECTOR_NOT_FOUND', `access request ${params.data.id}`));
    if (row.status !== 'pending') return fail(reply, new CollectorError('COLLECTOR_CONFLICT', `access request ${row.id} was already ${row.status}`));
    const nowMs = now();
    const untilMs = body.data.untilMs ?? nowMs + defaultExceptionMs;
    if (untilMs <= nowMs || untilMs > nowMs + maxExceptionMs) {
      return fail(reply, new CollectorError('COLLECTOR_QUERY_INVALID', 'untilMs: must be in the future and at most 30 days ahead'));
    }
    const reason = `access request ${row.id} from ${row.user || 'unknown user'}: ${row.reason}`.slice(0, 1000);
    if (row.subject === 'upload') return approveUpload(request, reply, row, body.data, untilMs, reason, nowMs);
    // A stick without a serial number cannot be told apart from others: the exception then covers any device.
    const exception = await createDeviceException(store, {
      pc: row.pc, serial: row.device.serial || undefined, mode: body.data.mode, untilMs,
      reason, actor: actor(request), now: nowMs,
    });
    if (!await deps.repos.accessRequests.decide(row.id, { status: 'approved', by: actor(request), atMs: nowMs, note: body.data.note, untilMs, exceptionId: exception.id })) {
      return fail(reply, new CollectorError('COLLECTOR_CONFLICT', `access request ${row.id} was decided meanwhile`));
    }
    await store.appendAudit({ timeMs: nowMs, actor: actor(request), action: 'access_request.approve', entry: { id: row.id, pc: row.pc, exceptionId: exception.id, untilMs } });
    return { request: await deps.repos.accessRequests.get(row.id), exception };
  });

  /**
   * An upload request: a one-click upload exception for that PC and the site's domain (or its category), pushed
   * with the PC's policy at once; the agent hands the browser the new rules, so the employee can try again.
   */
  const approveUpload = async (
    request: FastifyRequest, reply: FastifyReply, row: AccessRequestRow, body: z.infer<typeof ApproveBody>, untilMs: number, reason: string, nowMs: number,
  ) => {
    const service = uploadExceptionService(deps);
    if (!service || !deps.policy) return fail(reply, new CollectorError('COLLECTOR_CONFLICT', 'upload exceptions are not available on this collector'));
    if (!row.upload || (body.scope === 'domain' ? !row.upload.domain : !row.upload.category)) {
      return fail(reply, new CollectorError('COLLECTOR_CONFLICT', `access request ${row.id} names no ${body.scope} to grant`));
    }
    let exception;
    try {
      exception = await grantUploadException(service, {
        pc: row.pc, untilMs, reason, ...(body.scope === 'domain' ? { domain: row.upload.domain } : { category: row.upload.category }),
      }, actor(request));
    } catch (error) {
      if (error instanceof CollectorError) return fail(reply, error);
      throw error;
    }
    if (!await deps.repos.accessRequests.decide(row.id, { status: 'approved', by: actor(request), atMs: nowMs, note: body.note, untilMs, exceptionId: exception.id })) {
      await revokeUploadException(service, exception.id, actor(request));
      return fail(reply, new CollectorError('COLLECTOR_CONFLICT', `access request ${row.id} was decided meanwhile`));
    }
    await store.appendAudit({ timeMs: nowMs, actor: actor(request), action: 'access_request.approve', entry: { id: row.id, pc: row.pc, exceptionId: exception.id, untilMs } });
    await deps.policy.push(row.pc); // without waiting for the watcher
    return { request: await deps.repos.accessRequests.get(row.id), exception };
  };

  app.post('/api/access-requests/:id/decline', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = DeclineBody.safeParse(request.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const row = await deps.repos.accessRequests.get(params.data.id);
    if (!row) return fail(reply, new CollectorError('COLLECTOR_NOT_FOUND', `access request ${params.data.id}`));
    const nowMs = now();
    if (!await deps.repos.accessRequests.decide(row.id, { status: 'declined', by: actor(request), atMs: nowMs, note: body.data.note, untilMs: null, exceptionId: null })) {
      return fail(reply, new CollectorError('COLLECTOR_CONFLICT', `access request ${row.id} was already decided`));
    }
    await store.appendAudit({ timeMs: nowMs, actor: actor(request), action: 'access_request.decline', entry: { id: row.id, pc: row.pc } });
    return { request: await deps.repos.accessRequests.get(row.id) };
  });
}
