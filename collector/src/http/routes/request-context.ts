import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CollectorError } from '../../errors.ts';

// Shared by the console's route plugins: who is asking, and one shape for "your parameters are wrong".

/** The signed-in user (set by the server's session hook); routes run after requireRole, so it is present. */
export function actorOf(request: FastifyRequest): { username: string; role: 'admin' | 'operator' | 'auditor' } {
  const session = (request as { webSession?: { username: string; role: 'admin' | 'operator' | 'auditor' } }).webSession;
  if (!session) throw new CollectorError('COLLECTOR_AUTH_REQUIRED');
  return { username: session.username, role: session.role };
}

export function sendError(reply: FastifyReply, error: CollectorError, extra: Record<string, unknown> = {}) {
  return reply.code(error.httpStatus).send({ error: error.code, message: error.message, ...extra });
}

export function sendInvalid(reply: FastifyReply, error: z.ZodError) {
  return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')));
}

/** "1731900000000:42" → { timeMs, id }: the position cursor of newest-first pages. */
export function parseCursor(text: string | undefined): { timeMs: number; id: number } | undefined {
  if (!text) return undefined;
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(text);
  if (!match) return undefined;
  return { timeMs: Number(match[1]), id: Number(match[2]) };
}
