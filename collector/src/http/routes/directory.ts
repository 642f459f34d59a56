import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { parseDirectoryCsv } from '../../imports/directory-csv.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const ImportBody = z.object({ csv: z.string().min(1).max(1_500_000) }).strict();

/**
 * The PC directory: department and site per PC, imported from a CSV export of the organisation's directory (admins,
 * audited). An import replaces the previous one whole; a file with any bad line is refused with line numbers and
 * changes nothing.
 */
export function directoryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  app.get('/api/directory', { preHandler: deps.requireRole('auditor') }, async () => deps.repos.directory.status());
  // Choices for the department / site filters of the alert list, dashboard links and exports.
  app.get('/api/directory/choices', { preHandler: deps.requireRole('auditor') }, async () => deps.repos.directory.choices());

  app.post('/api/directory', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = ImportBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const { entries, problems } = parseDirectoryCsv(parsed.data.csv);
    if (problems.length > 0) {
      return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', `directory CSV refused: ${problems.length} bad line(s)`), { problems: problems.slice(0, 100) });
    }
    const nowMs = now();
    await deps.repos.directory.replace(entries, nowMs);
    await store.appendAudit({ timeMs: nowMs, actor: actorOf(request).username, action: 'directory.import', entry: { pcs: entries.length } });
    return { imported: entries.length };
  });
}
