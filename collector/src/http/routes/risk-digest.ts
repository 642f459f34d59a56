import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const email = z.string().trim().max(320).regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an e-mail address like bucho@example.co.jp');
const SubscribeBody = z.object({ email, department: z.string().trim().max(200).default('') }).strict();

/** Who gets the daily digest of risk movers: listed for auditors and up, changed by admins (audited). */
export function riskDigestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  if (!deps.repos) return;
  const repo = deps.repos.riskDigest;
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  app.get('/api/risk/digest/subscriptions', { preHandler: deps.requireRole('auditor') }, async () => ({ subscriptions: await repo.list() }));

  app.post('/api/risk/digest/subscriptions', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = SubscribeBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const timeMs = now();
    const actor = actorOf(request).username;
    await store.appendAudit({ timeMs, actor, action: 'risk.digest_subscribe', entry: { email: parsed.data.email, department: parsed.data.department } });
    await repo.subscribe({ email: parsed.data.email, department: parsed.data.department, createdBy: actor, createdMs: timeMs });
    return { subscribed: true };
  });

  app.delete('/api/risk/digest/subscriptions/:email', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const address = (request.params as { email: string }).email;
    if (!(await repo.unsubscribe(address))) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `${address} is not subscribed`));
    await store.appendAudit({ timeMs: now(), actor: actorOf(request).username, action: 'risk.digest_unsubscribe', entry: { email: address } });
    return { unsubscribed: true };
  });
}
