import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { alertFeed } from '../../alerts/alert-feed.ts';
import { localTime } from '../../alerts/calendar.ts';
import type { Alert } from '../../alerts/types.ts';
import type { LifecycleResult } from '../../store/repositories/alerts.ts';
import { CollectorError } from '../../errors.ts';
import { localiseAlert } from '../../i18n/alert-title.ts';
import { requestLanguage } from '../../i18n/language.ts';
import type { RouteDeps } from './deps.ts';
import { eventView } from './event-view.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
const statuses = ['new', 'acknowledged', 'resolved'] as const;
/** "open" stands for every status but resolved (what the dashboard counts), so its links can open that list. */
const statusFilter = z.string().max(200).transform((text) => text.split(',').map((v) => v.trim()).filter(Boolean).flatMap((v) => (v === 'open' ? ['new', 'acknowledged'] : [v])))
  .pipe(z.array(z.enum(statuses)));
export const csv = <T extends string>(values: readonly T[]) => z.string().max(200).transform((text) => text.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(z.enum(values as unknown as [T, ...T[]])));
/** A department or site name as the directory import stores it: one non-empty value (a repeated parameter is refused). */
export const directoryName = z.string().trim().min(1).max(200).optional();
const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

/** The filter fields shared by the list, bulk actions and saved filters. */
export const AlertFilterFields = {
  severity: csv(severities).optional(),
  status: statusFilter.optional(),
  kind: z.string().max(100).optional(),
  pc: z.string().max(500).optional(),
  user: z.string().max(500).optional(),
  /** Exact department / site from the PC directory import. */
  department: directoryName,
  site: directoryName,
  from: optionalInt(0),
  to: optionalInt(0),
};
const ListQuery = z.object({
  ...AlertFilterFields,
  before: optionalInt(1),
  /** 1-based page of `limit` rows, newest first by event time; the answer carries the total. */
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
}).strict();
const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
const AckBody = z.object({ note: z.string().max(2_000).optional() }).strict();
const ResolveBody = z.object({ resolution: z.enum(['true_positive', 'false_positive']), note: z.string().max(2_000).optional() }).strict();
const SummaryQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(7) }).strict();

/** The zone's offset from UTC at an instant (for "today" and per-day counts). */
function utcOffsetMs(timeZone: string, atMs: number): number {
  const local = localTime(atMs, timeZone);
  const [y, m, d] = local.date.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!, Math.floor(local.minutes / 60), local.minutes % 60) - Math.floor(atMs / 60_000) * 60_000;
}

/**
 * Alerts for the console: list/filter, one alert with its events, acknowledge/resolve (operators; audited) and a
 * live Server-Sent Events stream of new and changed alerts. Shapes follow the alerts HTTP contract.
 */
export function alertRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const now = deps.now ?? Date.now;
  const feed = alertFeed(deps.repos);
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get('/api/alerts', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const language = requestLanguage(undefined, request.headers['accept-language']);
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const q = parsed.data;
    const filter = {
      severity: q.severity, status: q.status, kind: q.kind, pc: q.pc, user: q.user, department: q.department, site: q.site,
      fromMs: q.from, toMs: q.to, beforeId: q.before,
    };
    return {
      alerts: (await deps.repos.alerts.list({ ...filter, limit: q.limit, offset: (q.page - 1) * q.limit })).map((a) => localiseAlert(a, language)),
      total: await deps.repos.alerts.count(filter), page: q.page, limit: q.limit,
    };
  });

  app.get('/api/alerts/summary', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = SummaryQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const at = now();
    // Days are the organisation's (the zone every table and the CLI show times in).
    const zone = deps.settings?.timeZone ?? deps.policy?.current.alerts.calendar.timezone;
    return deps.repos.alerts.summary(at, parsed.data.days, zone ? utcOffsetMs(zone, at) : 0);
  });

  app.get('/api/alerts/by-department', { preHandler: deps.requireRole('auditor') }, async () => ({ departments: await deps.repos.alerts.openByDepartment() }));

  app.get('/api/alerts/stream', { preHandler: deps.requireRole('auditor') }, (request, reply) => {
    // EventSource cannot set headers: the console names its language in the query (?lang=ja).
    const language = requestLanguage(request.query, request.headers['accept-language']);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': mamori alerts\n\n');
    const send = (alert: Alert) => res.write(`id: ${alert.id}\nevent: alert\ndata: ${JSON.stringify(localiseAlert(alert, language))}\n\n`);
    // A comment line now and then keeps proxies from closing an idle stream.
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    ping.unref();
    const end = () => {
      feed.off('alert', send);
      clearInterval(ping);
      streams.delete(end);
      res.end();
    };
    feed.on('alert', send);
    streams.add(end);
    request.raw.on('close', end);
  });

  app.get('/api/alerts/:id', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = IdParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const alert = await deps.repos.alerts.get(parsed.data.id);
    if (!alert) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `alert ${parsed.data.id}`));
    const events = (await deps.repos.alerts.events(alert.id)).map((row) => {
      const view = eventView(row, false);
      return { id: row.id, agentId: row.agentId, seq: row.seq, timeMs: row.timeMs, receivedMs: row.receivedMs, kind: row.kind, pc: row.pc, user: row.user, payload: view.payload };
    });
    // Integrity alerts have no events behind them; what the collector observed is in their findings.
    const shown = localiseAlert(alert, requestLanguage(undefined, request.headers['accept-language']));
    return alert.ruleId.startsWith('integrity.') ? { alert: shown, events, findings: await deps.repos.alerts.findings(alert) } : { alert: shown, events };
  });

  const lifecycle = (action: 'acknowledge' | 'resolve') => async (request: FastifyRequest, reply: FastifyReply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const actor = actorOf(request).username;
    let result: LifecycleResult;
    let entry: Record<string, unknown>;
    if (action === 'acknowledge') {
      const body = AckBody.safeParse(request.body ?? {});
      if (!body.success) return sendInvalid(reply, body.error);
      result = await deps.repos.alerts.acknowledge(params.data.id, actor, now(), body.data.note);
      entry = { alertId: params.data.id, note: body.data.note ?? '' };
    } else {
      const body = ResolveBody.safeParse(request.body ?? {});
      if (!body.success) return sendInvalid(reply, body.error);
      result = await deps.repos.alerts.resolve(params.data.id, body.data.resolution, actor, now(), body.data.note);
      entry = { alertId: params.data.id, resolution: body.data.resolution, note: body.data.note ?? '' };
    }
    if (!result.ok) {
      if (result.reason === 'not_found') return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `alert ${params.data.id}`));
      return sendError(reply, new CollectorError('COLLECTOR_ALERT_STATE', `alert ${params.data.id} is ${result.alert?.status}`), { alert: result.alert });
    }
    await deps.store?.appendAudit({ timeMs: now(), actor, action: `alert.${action}`, entry });
    feed.emit('alert', result.alert);
    return { alert: localiseAlert(result.alert, requestLanguage(undefined, request.headers['accept-language'])) };
  };
  app.post('/api/alerts/:id/acknowledge', { preHandler: deps.requireRole('operator') }, lifecycle('acknowledge'));
  app.post('/api/alerts/:id/resolve', { preHandler: deps.requireRole('operator') }, lifecycle('resolve'));
}
