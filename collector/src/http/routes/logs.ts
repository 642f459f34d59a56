import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { loggedKinds } from '../../store/sqlite/indexers/log-entry.ts';
import type { LogSearch } from '../../store/repositories/logs.ts';
import { directoryName } from './alerts.ts';
import type { ExportFormat } from './export-stream.ts';
import { logExportStream } from './log-export.ts';
import { required, type RouteDeps } from './deps.ts';
import { eventView } from './event-view.ts';
import { actorOf, parseCursor, sendError, sendInvalid } from './request-context.ts';

const LogsQuery = z.object({
  q: z.string().max(500).optional(),
  // Kinds of imported logs (policy log_imports) are checked against the current policy in the route.
  kind: z.string().max(200).optional().refine((k) => !k || k.split(',').every((x) => /^[a-z][a-z0-9_]{0,47}$/.test(x)), {
    message: `each kind must be one of ${loggedKinds.join(', ')}, or an imported log's kind`,
  }),
  pc: z.string().max(300).optional(),
  user: z.string().max(300).optional(),
  department: directoryName,
  site: directoryName,
  action: z.string().max(100).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  before: z.string().regex(/^\d{1,15}:\d{1,15}$/, 'must be TIME_MS:EVENT_ID').optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(100_000).default(100),
}).strict();

/** The first requested kind that is neither a logged agent kind nor an imported log's kind in the current policy. */
function unknownKinds(kinds: string | undefined, deps: RouteDeps): string | undefined {
  if (!kinds) return undefined;
  const imported = new Set(Object.values(deps.policy?.current.log_imports.mappings ?? {}).map((m) => m.event_kind));
  const bad = kinds.split(',').find((k) => !(loggedKinds as readonly string[]).includes(k) && !imported.has(k));
  return bad ? `"${bad}" must be one of ${[...loggedKinds, ...imported].join(', ')}` : undefined;
}

const EventParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

function toSearch(q: z.infer<typeof LogsQuery>, limit: number): LogSearch {
  const cursor = parseCursor(q.before);
  return {
    text: q.q?.trim() || undefined, kinds: q.kind ? q.kind.split(',') : undefined, pc: q.pc || undefined, user: q.user || undefined,
    department: q.department, site: q.site, action: q.action || undefined, fromMs: q.from, toMs: q.to, order: q.order, limit,
    ...(cursor ? { before: { timeMs: cursor.timeMs, eventId: cursor.id } } : {}),
  };
}

export { csvCell } from './log-export.ts';

/**
 * The combined log of file copies, print jobs, mails, uploads and device events: filter, keyword search, CSV
 * export, and one event in full. Opening a mail's content and exporting are written to the audit log.
 */
export function logRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  app.get('/api/logs', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = LogsQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const unknownKind = unknownKinds(parsed.data.kind, deps);
    if (unknownKind) return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', `kind: ${unknownKind}`));
    const limit = Math.min(parsed.data.limit, 1_000);
    const entries = await deps.repos.logs.search(toSearch(parsed.data, limit));
    const last = entries.at(-1);
    return { entries, next: entries.length === limit && last ? `${last.timeMs}:${last.eventId}` : null };
  });

  // Exports are whole: every matching row, streamed in event-time order (newest first unless order=asc). There is
  // no row cap, so none is stated; `limit` and `before` belong to the paged list and are refused here.
  const exportRoute = (format: ExportFormat) => async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = LogsQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const query = request.query as Record<string, unknown>;
    if ('limit' in query || 'before' in query) {
      return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', 'an export is always complete: limit and before apply to the paged list only'));
    }
    const { limit: _limit, before: _before, ...search } = toSearch(parsed.data, 1);
    const actor = actorOf(request).username;
    const filters = { ...parsed.data, limit: undefined };
    const stream = logExportStream(deps.repos.logs, search, format, async (progress) => {
      try {
        await store.appendAudit({ timeMs: now(), actor, action: 'logs.export', entry: { format, filters, rows: progress.rows, complete: progress.complete } });
      } catch (error) {
        request.log.error({ err: error }, 'could not audit a log export');
      }
    });
    const stamp = now();
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="mamori-logs-${stamp}.${format}"`)
      .send(stream);
  };
  app.get('/api/logs/export.csv', { preHandler: deps.requireRole('auditor') }, exportRoute('csv'));
  app.get('/api/logs/export.jsonl', { preHandler: deps.requireRole('auditor') }, exportRoute('jsonl'));

  app.get('/api/logs/events/:id', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = EventParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const row = await deps.repos.logs.event(parsed.data.id);
    if (!row) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `event ${parsed.data.id}`));
    if (row.kind === 'mail') {
      await store.appendAudit({ timeMs: now(), actor: actorOf(request).username, action: 'mail.open', entry: { eventId: row.id, pc: row.pc, agentId: row.agentId, seq: row.seq } });
    }
    return { event: { ...eventView(row, true), pc: row.pc } };
  });
}
