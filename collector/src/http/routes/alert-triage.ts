import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { alertFeed } from '../../alerts/alert-feed.ts';
import { CollectorError } from '../../errors.ts';
import { maxBulkAlerts } from '../../store/repositories/alerts.ts';
import { AlertFilterFields } from './alerts.ts';
import type { RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const FilterBody = z.object(AlertFilterFields).strict();
const BulkBody = z.object({
  action: z.enum(['acknowledge', 'resolve']),
  resolution: z.enum(['true_positive', 'false_positive']).optional(),
  note: z.string().max(2_000).optional(),
  ids: z.array(z.number().int().min(1)).min(1).max(maxBulkAlerts).optional(),
  filter: FilterBody.optional(),
}).strict()
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), { message: 'give either ids or filter, not both' })
  .refine((b) => b.action !== 'resolve' || b.resolution !== undefined, { message: 'resolve needs a resolution' });
const SaveBody = z.object({ name: z.string().trim().min(1).max(100), filter: FilterBody }).strict();
const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

/**
 * Triage at scale: the kinds of alert present (for a choice list), bulk acknowledge/resolve with one note and one
 * audit entry, and each user's saved filters.
 */
export function alertTriageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const now = deps.now ?? Date.now;
  const feed = alertFeed(deps.repos);

  app.get('/api/alerts/kinds', { preHandler: deps.requireRole('auditor') }, async () => ({ kinds: await deps.repos.alerts.kinds() }));

  app.post('/api/alerts/bulk', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const parsed = BulkBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const body = parsed.data;
    const actor = actorOf(request).username;
    const at = now();
    const f = body.filter;
    const target = body.ids
      ? { ids: body.ids }
      : { filter: { severity: f!.severity, status: f!.status, kind: f!.kind, pc: f!.pc, user: f!.user, department: f!.department, site: f!.site, fromMs: f!.from, toMs: f!.to } };
    const action = body.action === 'resolve' ? { action: 'resolve' as const, resolution: body.resolution! } : { action: 'acknowledge' as const };
    const result = await deps.repos.alerts.bulk(target, action, actor, at, body.note);
    if (!result.ok) {
      return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID',
        `${result.matching > maxBulkAlerts ? `more than ${maxBulkAlerts}` : result.matching} alerts match; one bulk action changes at most ${maxBulkAlerts}: narrow the filter`));
    }
    // One audit entry for the whole action, naming every alert it changed.
    await deps.store?.appendAudit({
      timeMs: at, actor, action: `alert.bulk_${body.action}`,
      entry: {
        alertIds: result.changed.map((a) => a.id), skipped: result.skipped, note: body.note ?? '',
        ...(body.resolution ? { resolution: body.resolution } : {}), ...(body.filter ? { filter: body.filter } : {}),
      },
    });
    for (const alert of result.changed) feed.emit('alert', alert);
    return { changed: result.changed.length, changedIds: result.changed.map((a) => a.id), skipped: result.skipped };
  });

  app.get('/api/alerts/filters', { preHandler: deps.requireRole('auditor') }, async (request) => ({
    filters: await deps.repos.savedAlertFilters.list(actorOf(request).username),
  }));

  app.post('/api/alerts/filters', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = SaveBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    // Stored as sent (the list's query form), so the console can put it straight back into the list's filter.
    const raw = (request.body as { filter: Record<string, unknown> }).filter;
    return { filter: await deps.repos.savedAlertFilters.save(actorOf(request).username, parsed.data.name, raw, now()) };
  });

  app.delete('/api/alerts/filters/:id', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = IdParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    if (!await deps.repos.savedAlertFilters.delete(actorOf(request).username, parsed.data.id)) {
      return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `saved filter ${parsed.data.id}`));
    }
    return { deleted: parsed.data.id };
  });
}
