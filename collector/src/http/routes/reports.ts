import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { generateReport } from '../../reports/generate.ts';
import { parsePeriodInput } from '../../reports/period-input.ts';
import { reviewReport } from '../../reports/review.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const ListQuery = z.object({
  template: z.string().max(64).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();
const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
const FileParams = IdParams.extend({ format: z.enum(['pdf', 'csv']) }).strict();
const GenerateBody = z.object({
  template: z.string().min(1).max(64),
  from: z.union([z.string().max(40), z.number().int().min(0)]).transform(String),
  to: z.union([z.string().max(40), z.number().int().min(0)]).transform(String),
}).strict();
const ReviewBody = z.object({ note: z.string().trim().min(1, 'a review needs a note').max(4_000) }).strict();

/**
 * Inspection reports: list, templates, one report, its PDF/CSV, on-demand generation (auditors and admins) and the
 * review record (auditors and admins; never an admin whose own actions the report lists).
 */
export function reportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  if (!deps.reports) return; // narrow route tests without the report machinery
  const context = deps.reports;
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;
  const auditorsAndAdmins = [deps.requireRole('auditor'), async (request: unknown) => {
    if (actorOf(request as never).role === 'operator') throw new CollectorError('COLLECTOR_FORBIDDEN', 'reports are for auditors and admins');
  }];

  app.get('/api/reports', { preHandler: auditorsAndAdmins }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const q = parsed.data;
    const reports = await deps.repos.reports.list({ template: q.template, beforeId: q.before, limit: q.limit });
    return { reports, next: reports.length === q.limit ? reports.at(-1)?.id ?? null : null };
  });

  app.get('/api/reports/templates', { preHandler: auditorsAndAdmins }, async () => ({
    templates: Object.entries(context.policy().reports.templates).map(([name, t]) => ({
      name, title: t.title, schedule: t.schedule, timezone: t.timezone, items: t.items, scope: t.scope, recipients: t.recipients.length,
    })),
  }));

  app.get('/api/reports/:id', { preHandler: auditorsAndAdmins }, async (request, reply) => {
    const parsed = IdParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const report = await deps.repos.reports.get(parsed.data.id);
    if (!report) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `report ${parsed.data.id}`));
    return { report };
  });

  app.get('/api/reports/:id/:format', { preHandler: auditorsAndAdmins }, async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = FileParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const report = await deps.repos.reports.get(parsed.data.id);
    const content = report && await deps.repos.reports.file(report.id, parsed.data.format);
    if (!report || !content) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `report ${parsed.data.id}`));
    const name = `report-${report.id}-${report.template}.${parsed.data.format}`;
    return reply
      .header('content-type', parsed.data.format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('x-content-sha256', parsed.data.format === 'pdf' ? report.pdfSha256 : report.csvSha256)
      .send(content);
  });

  app.post('/api/reports', { preHandler: auditorsAndAdmins }, async (request, reply) => {
    const parsed = GenerateBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const template = context.policy().reports.templates[parsed.data.template];
    if (!template) return sendError(reply, new CollectorError('COLLECTOR_REPORT_TEMPLATE', parsed.data.template));
    const range = parsePeriodInput(parsed.data.from, parsed.data.to, template.timezone);
    const report = await generateReport(context, { template: parsed.data.template, ...range, periodKind: 'on_demand', actor: actorOf(request).username });
    return reply.code(201).send({ report });
  });

  app.post('/api/reports/:id/review', { preHandler: auditorsAndAdmins }, async (request, reply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const body = ReviewBody.safeParse(request.body ?? {});
    if (!body.success) return sendInvalid(reply, body.error);
    const report = await reviewReport({ reports: deps.repos.reports, store, now }, params.data.id, actorOf(request), body.data.note);
    return { report };
  });
}
