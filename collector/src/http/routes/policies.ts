import type { FastifyInstance } from 'fastify';
import { PolicyValidationError, parsePolicySources } from '@mamori/policies';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const Sources = z.array(z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,60}\.ya?ml$/, 'must be a .yaml file name'),
  text: z.string().max(512 * 1024),
}).strict()).min(1).max(64);

const PublishBody = z.object({ sources: Sources, comment: z.string().max(1_000).default('') }).strict();
const ValidateBody = z.object({ sources: Sources }).strict();
const RollbackBody = z.object({ version: z.number().int().min(1), comment: z.string().max(1_000).optional() }).strict();
const VersionParams = z.object({ version: z.coerce.number().int().min(1) }).strict();
const VersionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(100) }).strict();

function invalidPolicy(error: PolicyValidationError) {
  const problem = new CollectorError('COLLECTOR_POLICY_INVALID', `${error.problems.length} problem(s)`);
  return { status: problem.httpStatus, body: { error: problem.code, message: problem.message, problems: error.problems } };
}

/**
 * Policies: everyone signed in may read the current sources and the version history; only admins validate,
 * publish (pushed to every connected agent at once) and roll back. Publishing and rollback are audited.
 */
export function policyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const policy = required(deps.policy, 'policy');
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  // The newest stored version is the current one even if another process stored it a moment ago: take it up
  // before answering, so the console never shows a newer version as an old one to roll back to.
  const refreshed = () => policy.refresh().catch(() => false);

  app.get('/api/policies', { preHandler: deps.requireRole('auditor') }, async (_request, reply) => {
    await refreshed();
    const current = await deps.repos.policies.getVersion(policy.version);
    if (!current) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', 'no policy version stored'));
    return { current };
  });

  app.get('/api/policies/versions', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = VersionsQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    await refreshed();
    return { currentVersion: policy.version, versions: await deps.repos.policies.listVersions(parsed.data.limit) };
  });

  app.get('/api/policies/versions/:version', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = VersionParams.safeParse(request.params);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const version = await deps.repos.policies.getVersion(parsed.data.version);
    if (!version) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `policy version ${parsed.data.version}`));
    return { version };
  });

  app.post('/api/policies/validate', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = ValidateBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    try {
      parsePolicySources(parsed.data.sources);
      return { ok: true, problems: [] };
    } catch (error) {
      if (error instanceof PolicyValidationError) return { ok: false, problems: error.problems };
      throw error;
    }
  });

  app.post('/api/policies', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = PublishBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const actor = actorOf(request).username;
    try {
      const version = await policy.publish(parsed.data.sources, actor, parsed.data.comment);
      await store.appendAudit({
        timeMs: now(), actor, action: 'policy.publish',
        entry: { version, comment: parsed.data.comment, files: parsed.data.sources.map((s) => s.name) },
      });
      return reply.code(201).send({ version });
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      const { status, body } = invalidPolicy(error);
      return reply.code(status).send(body);
    }
  });

  app.post('/api/policies/rollback', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = RollbackBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const target = await deps.repos.policies.getVersion(parsed.data.version);
    if (!target) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `policy version ${parsed.data.version}`));
    const actor = actorOf(request).username;
    // A rollback is a new version with the old sources: history only grows, and agents get a higher version number.
    try {
      const version = await policy.publish(target.sources, actor, parsed.data.comment ?? `rollback to version ${target.version}`);
      await store.appendAudit({ timeMs: now(), actor, action: 'policy.rollback', entry: { version, to: target.version } });
      return reply.code(201).send({ version });
    } catch (error) {
      // An old version can fail today's schema (the schema grew stricter): say so instead of a 500.
      if (!(error instanceof PolicyValidationError)) throw error;
      const { status, body } = invalidPolicy(error);
      return reply.code(status).send(body);
    }
  });
}
