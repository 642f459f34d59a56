import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import type { RouteDeps } from './deps.ts';
import { actorOf, sendInvalid } from './request-context.ts';

const AuditQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
}).strict();

/**
 * The append-only audit log, for auditors and admins (operators are the audited, not the auditors). There is
 * no route that changes or deletes an entry; the SQLite triggers refuse it too.
 */
export function auditRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const auditorsAndAdmins = [deps.requireRole('auditor'), async (request: unknown) => {
    if (actorOf(request as never).role === 'operator') throw new CollectorError('COLLECTOR_FORBIDDEN', 'the audit log is for auditors and admins');
  }];

  app.get('/api/audit', { preHandler: auditorsAndAdmins }, async (request, reply) => {
    const parsed = AuditQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const q = parsed.data;
    const entries = await deps.repos.audit.listPage({ beforeId: q.before, actor: q.actor, action: q.action, limit: q.limit });
    return { entries, next: entries.length === q.limit ? entries.at(-1)?.id ?? null : null };
  });

  app.get('/api/audit/verify', { preHandler: auditorsAndAdmins }, async () => deps.repos.audit.verifyChain());
}
