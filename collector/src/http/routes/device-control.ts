import type { FastifyInstance } from 'fastify';
import { DeviceModeSchema } from '@mamori/policies';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { DeviceControlService } from '../../device-control/device-control-service.ts';
import { required, type RouteDeps } from './deps.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';
import type { FastifyReply } from 'fastify';

/** Catalogued errors become their HTTP answer; anything else is a bug and goes to Fastify's 500 handler. */
function sendCaught(reply: FastifyReply, error: unknown) {
  if (error instanceof CollectorError) return sendError(reply, error);
  throw error;
}

const PcParams = z.object({ pc: z.string().min(1).max(300) }).strict();
const GroupParams = z.object({ group: z.string().min(1).max(300) }).strict();
const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();
const ModeBody = z.object({ mode: z.union([DeviceModeSchema, z.literal('inherit')]) }).strict();
const StickBody = z.object({
  name: z.string().trim().min(1).max(200),
  serial: z.string().trim().min(1).max(300),
  vendorId: z.string().regex(/^[0-9a-fA-F]{4}$/, 'must be 4 hex digits').optional(),
  productId: z.string().regex(/^[0-9a-fA-F]{4}$/, 'must be 4 hex digits').optional(),
  mode: DeviceModeSchema.default('allow'),
  pcs: z.array(z.string().min(1).max(300)).max(3_000).default([]),
  users: z.array(z.string().min(1).max(300)).max(1_000).default([]),
}).strict();

/**
 * Device control without YAML: a PC's effective mode and where it comes from, the devices seen on it and its
 * active exceptions (offline-code ones included); set a PC's or group's mode and register a company stick (admins:
 * each is a policy version), revoke an exception (operators, as they grant them). Pushed to agents at once.
 */
export function deviceControlRoutes(app: FastifyInstance, deps: RouteDeps): void {
  if (!deps.repos || !deps.policy || !deps.store) return; // narrow route tests build the server without these
  const service = new DeviceControlService({ policy: required(deps.policy, 'policy'), store: deps.store, repo: deps.repos.deviceControl, now: deps.now ?? Date.now });
  const repo = deps.repos.deviceControl;

  app.get('/api/pcs/:pc/device-control', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const params = PcParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const pc = params.data.pc;
    try {
      await service.requireKnownPc(pc);
    } catch (error) {
      return sendCaught(reply, error);
    }
    return {
      state: service.modeState(pc), groups: service.groups(),
      exceptions: await service.activeExceptions(pc), seen: await repo.devicesSeenOn(pc, 50),
    };
  });

  app.put('/api/pcs/:pc/device-mode', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const params = PcParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const body = ModeBody.safeParse(request.body);
    if (!body.success) return sendInvalid(reply, body.error);
    try {
      const version = await service.setMode({ kind: 'pc', name: params.data.pc }, body.data.mode, actorOf(request).username);
      return { version, state: service.modeState(params.data.pc) };
    } catch (error) {
      return sendCaught(reply, error);
    }
  });

  app.put('/api/device-groups/:group/mode', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const params = GroupParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const body = ModeBody.safeParse(request.body);
    if (!body.success) return sendInvalid(reply, body.error);
    try {
      const version = await service.setMode({ kind: 'group', name: params.data.group }, body.data.mode, actorOf(request).username);
      return { version, groups: service.groups() };
    } catch (error) {
      return sendCaught(reply, error);
    }
  });

  app.post('/api/device-sticks', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const body = StickBody.safeParse(request.body);
    if (!body.success) return sendInvalid(reply, body.error);
    const b = body.data;
    try {
      const version = await service.registerStick({
        name: b.name, serial: b.serial, mode: b.mode, pcs: b.pcs, users: b.users,
        ...(b.vendorId ? { vendor_id: b.vendorId.toLowerCase() } : {}), ...(b.productId && b.vendorId ? { product_id: b.productId.toLowerCase() } : {}),
      }, actorOf(request).username);
      return reply.code(201).send({ version });
    } catch (error) {
      return sendCaught(reply, error);
    }
  });

  app.delete('/api/exceptions/:id', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const params = IdParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    try {
      return { exception: await service.revokeException(params.data.id, actorOf(request).username) };
    } catch (error) {
      return sendCaught(reply, error);
    }
  });
}
