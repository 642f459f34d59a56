import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf } from './request-context.ts';

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const MessagesQuery = z.object({
  q: z.string().max(500).optional(),
  pc: z.string().max(500).optional(),
  user: z.string().max(500).optional(),
  verdict: z.enum(['relayed', 'warned', 'blocked', 'failed']).optional(),
  attachments: z.enum(['true', 'false']).optional(),
  from: optionalInt(0),
  to: optionalInt(0),
  before: optionalInt(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
const AttachmentQuery = z.object({
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

function invalid(reply: FastifyReply, error: z.ZodError) {
  const problem = new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return reply.code(problem.httpStatus).send({ error: problem.code, message: problem.message });
}

/**
 * Sent-mail log: keyword search, one mail in full, and where a file (by SHA-256) was mailed. Read-only: auditors.
 * Search results leave the body excerpt out (the search still looks in it); opening one mail returns it and is
 * written to the audit log as `mail.open`, as in the combined log.
 */
export function mailRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  app.get('/api/mail/messages', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = MessagesQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    const q = parsed.data;
    // The search text's rules (shortest keyword, tokens) belong to the store's full-text index, so it checks them.
    const problem = q.q !== undefined && q.q.trim() !== '' ? await deps.repos.mail.searchTextProblem(q.q) : undefined;
    if (problem) {
      const error = new CollectorError('COLLECTOR_QUERY_INVALID', `q: ${problem}`);
      return reply.code(error.httpStatus).send({ error: error.code, message: error.message });
    }
    const messages = await deps.repos.mail.search({
      text: q.q, pc: q.pc, user: q.user, verdict: q.verdict, withAttachments: q.attachments === 'true',
      fromMs: q.from, toMs: q.to, beforeId: q.before, limit: q.limit,
    });
    return {
      messages: messages.map(({ bodyExcerpt: _body, ...message }) => message),
      next: messages.length === q.limit ? messages[messages.length - 1]?.id : undefined,
    };
  });

  app.get('/api/mail/messages/:id', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = IdParams.safeParse(request.params);
    if (!parsed.success) return invalid(reply, parsed.error);
    const message = await deps.repos.mail.get(parsed.data.id);
    if (!message) {
      const problem = new CollectorError('COLLECTOR_NOT_FOUND', `mail ${parsed.data.id}`);
      return reply.code(problem.httpStatus).send({ error: problem.code, message: problem.message });
    }
    await store.appendAudit({
      timeMs: now(), actor: actorOf(request).username, action: 'mail.open',
      entry: { eventId: message.eventId, pc: message.pc, agentId: message.agentId, seq: message.seq },
    });
    return { message };
  });

  app.get('/api/mail/attachments', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = AttachmentQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    return { sightings: await deps.repos.mail.withAttachment(parsed.data.sha256, parsed.data.limit) };
  });
}
