import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { SettingsUpdateSchema } from '../../settings/settings-service.ts';
import type { RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const TestMailBody = z.object({ to: z.string().trim().email().max(320) }).strict();

/**
 * Settings that explain themselves (admins): the alert SMTP server and public URL with where each value comes
 * from, the notification recipients of the current policy, the outbox's state (queued, failing with the last
 * error) and a test mail sent while the admin watches.
 */
export function settingsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const settings = deps.settings;
  if (!settings || !deps.repos || !deps.policy) return; // narrow route tests build the server without these
  const repo = deps.repos.settings;
  const policy = deps.policy;
  const now = deps.now ?? Date.now;

  const recipients = () => Object.entries(policy.current.notifications.groups).map(([name, group]) => ({
    group: name, recipients: group.recipients, minSeverity: group.min_severity, immediate: group.immediate,
  }));

  app.get('/api/settings', { preHandler: deps.requireRole('admin') }, async () => ({
    ...(await settings.view()), notificationsEnabled: policy.current.notifications.enabled, recipients: recipients(), outbox: await repo.outboxState(now()),
  }));

  app.put('/api/settings', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = SettingsUpdateSchema.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    return settings.update(parsed.data, actorOf(request).username);
  });

  app.post('/api/settings/test-mail', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = TestMailBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    try {
      return await settings.sendTestMail(parsed.data.to, actorOf(request).username);
    } catch (error) {
      if (error instanceof CollectorError) return sendError(reply, error);
      throw error;
    }
  });
}
