import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import type { RouteDeps } from './deps.ts';

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();
const text = z.string().max(500).optional();
const page = { from: optionalInt(0), to: optionalInt(0), before: optionalInt(1), limit: z.coerce.number().int().min(1).max(1000).default(100) };

const EventsQuery = z.object({
  pc: text, serial: text,
  action: z.enum(['ATTACHED', 'DETACHED', 'MOUNTED', 'UNMOUNTED', 'BLOCKED', 'ALLOWED', 'READ_ONLY']).optional(),
  model: z.string().regex(/^[0-9a-fA-F]{4}(:[0-9a-fA-F]{4})?$/, 'vendor id or vendor:product, 4 hex digits each').optional(),
  ...page,
}).strict();

const CopiesQuery = z.object({
  q: text, pc: text, user: text, serial: text,
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex').optional(),
  kind: z.enum(['removable', 'cloud_sync', 'network_share']).optional(),
  ...page,
}).strict();

const SeenQuery = z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0), limit: z.coerce.number().int().min(1).max(5000).default(500) }).strict();

function invalid(reply: FastifyReply, error: z.ZodError) {
  const problem = new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return reply.code(problem.httpStatus).send({ error: problem.code, message: problem.message });
}

/**
 * Removable media: device events (with the rule behind every block), the devices seen, and file copies to exits
 * (searchable by path, user, stick serial and content hash, so one file can be followed). Read-only: auditors.
 */
export function deviceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/devices/events', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = EventsQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    const q = parsed.data;
    const events = await deps.repos.devices.searchDeviceEvents({
      pc: q.pc, serial: q.serial, action: q.action, model: q.model, fromMs: q.from, toMs: q.to, beforeId: q.before, limit: q.limit,
    });
    return { events, next: events.length === q.limit ? events.at(-1)?.id : undefined };
  });

  app.get('/api/devices/seen', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = SeenQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    return { devices: await deps.repos.devices.seenDevices(parsed.data.from, parsed.data.to, parsed.data.limit) };
  });

  app.get('/api/devices/file-copies', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = CopiesQuery.safeParse(request.query);
    if (!parsed.success) return invalid(reply, parsed.error);
    const q = parsed.data;
    const copies = await deps.repos.devices.searchFileCopies({
      text: q.q, pc: q.pc, user: q.user, serial: q.serial, sha256: q.sha256, kind: q.kind,
      fromMs: q.from, toMs: q.to, beforeId: q.before, limit: q.limit,
    });
    return { copies, next: copies.length === q.limit ? copies.at(-1)?.id : undefined };
  });
}
