import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Alert, AlertFilter, AlertsRepository } from '../../store/repositories/alerts.ts';
import { AlertFilterFields } from './alerts.ts';
import { required, type RouteDeps } from './deps.ts';
import { exportStream, type ExportFormat, type ExportProgress } from './export-stream.ts';
import { csvCell, exportChunkRows } from './log-export.ts';
import { actorOf, sendInvalid } from './request-context.ts';

const ExportQuery = z.object(AlertFilterFields).strict();

const columns = ['id', 'lastMs', 'firstMs', 'severity', 'status', 'resolution', 'kind', 'ruleName', 'title', 'pc', 'user', 'department', 'site',
  'count', 'acknowledgedBy', 'resolvedBy', 'note'] as const;

function csvLines(alerts: Alert[]): string {
  let text = '';
  for (const a of alerts) {
    text += `${columns.map((c) => csvCell(a[c] ?? '')).join(',')},"${new Date(a.lastMs).toISOString()}"\r\n`;
  }
  return text;
}

function jsonLines(alerts: Alert[]): string {
  let text = '';
  for (const a of alerts) text += `${JSON.stringify({ ...a, lastIso: new Date(a.lastMs).toISOString() })}\n`;
  return text;
}

/** Every matching alert streamed chunk by chunk, newest first (see `exportStream`). */
function alertExportStream(alerts: AlertsRepository, filter: Omit<AlertFilter, 'limit' | 'offset'>, format: ExportFormat, onEnd: (p: ExportProgress) => Promise<void>): Readable {
  return exportStream(alerts.chunks(filter, exportChunkRows), format, { csvHeader: `\uFEFF${[...columns, 'lastIso'].join(',')}\r\n`, csvLines, jsonLines }, onEnd);
}

/** The alert list's filters (department and site included) as a whole export, CSV or JSON lines; audited. */
export function alertExportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;
  const exportRoute = (format: ExportFormat) => async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = ExportQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const q = parsed.data;
    const filter = {
      severity: q.severity, status: q.status, kind: q.kind, pc: q.pc, user: q.user, department: q.department, site: q.site, fromMs: q.from, toMs: q.to,
    };
    const actor = actorOf(request).username;
    const stream = alertExportStream(deps.repos.alerts, filter, format, async (progress) => {
      try {
        await store.appendAudit({ timeMs: now(), actor, action: 'alerts.export', entry: { format, filters: q, rows: progress.rows, complete: progress.complete } });
      } catch (error) {
        request.log.error({ err: error }, 'could not audit an alert export');
      }
    });
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="mamori-alerts-${now()}.${format}"`)
      .send(stream);
  };
  app.get('/api/alerts/export.csv', { preHandler: deps.requireRole('auditor') }, exportRoute('csv'));
  app.get('/api/alerts/export.jsonl', { preHandler: deps.requireRole('auditor') }, exportRoute('jsonl'));
}
