import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SiteCalendars } from '../../alerts/calendar.ts';
import { CollectorError } from '../../errors.ts';
import type { DirectoryEntry } from '../../store/repositories/directory.ts';
import { required, type RouteDeps } from './deps.ts';
import { sendError, sendInvalid } from './request-context.ts';

const day = 86_400_000;
const NotReportingQuery = z.object({
  /** Overrides the policy's `not_reporting_after` for this view (whole days). */
  days: z.coerce.number().int().min(1).max(3_650).optional(),
}).strict();
const AlertParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

/**
 * Offline PCs: the "not reporting" view (PCs silent longer than the policy's `not_reporting_after`, one line each,
 * with their site) and the PCs behind one "N PCs offline" alert.
 */
export function offlineRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const policy = required(deps.policy, 'policy');
  const now = deps.now ?? Date.now;
  let sites: { version: number; calendars: SiteCalendars } | undefined;
  let directory = new Map<string, DirectoryEntry>();
  const siteOf = (pc: string) => {
    if (sites?.version !== policy.version) {
      const alerts = policy.current.alerts;
      sites = { version: policy.version, calendars: new SiteCalendars(alerts.calendar, alerts.sites) };
    }
    return sites.calendars.siteOf(pc, directory.get(pc)?.site ?? '').name;
  };

  app.get('/api/not-reporting', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const query = NotReportingQuery.safeParse(request.query);
    if (!query.success) return sendInvalid(reply, query.error);
    const nowMs = now();
    directory = await deps.repos.directory.byPc();
    const afterMs = query.data.days !== undefined ? query.data.days * day : policy.current.alerts.builtin.agent_offline.not_reporting_after;
    const pcs = (await deps.repos.pcs.notReporting(nowMs - afterMs)).map((row) => {
      const silentSinceMs = row.lastSeenMs ?? row.enrolledMs;
      // The directory's name for the site is what people call it; the calendar site only when the directory has none.
      return { ...row, site: directory.get(row.pc)?.site || siteOf(row.pc), silentDays: Math.floor((nowMs - silentSinceMs) / day) };
    });
    return { pcs, count: pcs.length, afterMs, nowMs };
  });

  app.get('/api/alerts/:id/offline-pcs', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const params = AlertParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    if (!await deps.repos.alerts.get(params.data.id)) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `no alert ${params.data.id}`));
    return { pcs: await deps.repos.alerts.offlinePcs(params.data.id) };
  });
}
