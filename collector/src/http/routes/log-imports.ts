import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { importCsvLog } from '../../imports/import-log.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendInvalid } from './request-context.ts';

const ImportQuery = z.object({
  mapping: z.string().min(1).max(48),
  file: z.string().min(1).max(255).default('upload.csv'),
  skip_invalid: z.enum(['true', 'false']).default('false'),
}).strict();

/** Import of other systems' CSV logs (body: the file as text/csv), and the list of imports and mappings. */
export function logImportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = required(deps.store, 'store');
  const policy = required(deps.policy, 'policy');
  const now = deps.now ?? Date.now;
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/api/log-imports', { preHandler: deps.requireRole('admin'), bodyLimit: 64 * 1024 * 1024 }, async (request, reply) => {
    const parsed = ImportQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    if (!Buffer.isBuffer(request.body)) return reply.code(415).send({ error: 'COLLECTOR_QUERY_INVALID', message: 'send the CSV file as the body, Content-Type: text/csv' });
    // Errors (unknown mapping, rows that do not fit) are CollectorErrors: the server's error handler answers them.
    // The collector's projector picks the new events up within its poll interval (app.ts).
    return importCsvLog({
      repos: deps.repos, store, policy: policy.current, mapping: parsed.data.mapping, fileName: parsed.data.file, bytes: request.body,
      actor: actorOf(request).username, now, skipInvalid: parsed.data.skip_invalid === 'true',
    });
  });

  app.get('/api/log-imports', { preHandler: deps.requireRole('auditor') }, async () => ({
    mappings: Object.entries(policy.current.log_imports.mappings).map(([name, m]) => ({ name, eventKind: m.event_kind, label: m.label, source: m.source })),
    imports: await deps.repos.logImports.list(200),
  }));
}
