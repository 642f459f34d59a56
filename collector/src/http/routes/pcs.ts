import type { FastifyInstance } from 'fastify';
import { effectivePolicyFor } from '@mamori/policies';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { required, type RouteDeps } from './deps.ts';
import { eventView } from './event-view.ts';
import { parseCursor, sendError, sendInvalid } from './request-context.ts';

const PcParams = z.object({ pc: z.string().min(1).max(300) }).strict();
const HistoryQuery = z.object({
  before: z.string().regex(/^\d{1,15}:\d{1,15}$/, 'must be TIME_MS:ID').optional(),
  at: z.coerce.number().int().min(0).optional(),
  around: z.coerce.number().int().min(0).optional(),
  windowMs: z.coerce.number().int().min(1_000).max(24 * 3_600_000).default(5 * 60_000),
  kinds: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();

/**
 * PCs: the list (online/offline, last seen, OS, user, device mode, open alerts), one PC's device state and
 * inventory, and its history timeline (cursor pages newest first, jump to a time, a window around a moment).
 */
export function pcRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const policy = required(deps.policy, 'policy');
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;

  // Device mode per PC only changes with the policy version: remember it per version (3,000 PCs on every refresh).
  let modes: { version: number; byPc: Map<string, { mode: string; rule: string }> } = { version: -1, byPc: new Map() };
  const deviceOf = (pc: string) => {
    if (modes.version !== policy.version) modes = { version: policy.version, byPc: new Map() };
    let device = modes.byPc.get(pc);
    if (!device) {
      const effective = effectivePolicyFor(policy.current, pc, policy.version).device;
      device = { mode: effective.mode, rule: effective.rule };
      modes.byPc.set(pc, device);
    }
    return device;
  };

  app.get('/api/pcs', { preHandler: deps.requireRole('auditor') }, async () => {
    const nowMs = now();
    const withExceptions = await deps.repos.pcs.withActiveExceptions(nowMs);
    const directory = await deps.repos.directory.byPc();
    const pcs = (await deps.repos.pcs.list()).map((row) => {
      const device = deviceOf(row.pc);
      const place = directory.get(row.pc);
      return {
        ...row, deviceMode: device.mode, deviceRule: device.rule, exceptionActive: withExceptions.has(row.pc),
        department: place?.department ?? '', site: place?.site ?? '',
      };
    });
    return { pcs, nowMs };
  });

  app.get('/api/pcs/:pc', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const params = PcParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const pc = await deps.repos.pcs.get(params.data.pc);
    if (!pc) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', `no PC named ${params.data.pc}`));
    const effective = await policy.effectiveFor(pc.pc);
    const inventoryRow = await deps.repos.pcs.latestInventory(pc.pc);
    const exceptions = await store.activeDeviceExceptions(pc.pc, now());
    return {
      pc, device: { ...effective.device, policyVersion: effective.version }, exceptions,
      inventory: inventoryRow ? { timeMs: inventoryRow.timeMs, snapshot: eventView(inventoryRow, false).payload } : null,
    };
  });

  app.get('/api/pcs/:pc/history', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const params = PcParams.safeParse(request.params);
    if (!params.success) return sendInvalid(reply, params.error);
    const parsed = HistoryQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const q = parsed.data;
    const pc = params.data.pc;
    if (q.around !== undefined) {
      const rows = await deps.repos.pcs.historyWindow(pc, q.around - q.windowMs, q.around + q.windowMs, 1_000);
      return { mode: 'window', fromMs: q.around - q.windowMs, toMs: q.around + q.windowMs, events: rows.map((r) => eventView(r, false)), next: null };
    }
    // "Jump to a time": the page of events at or before that moment.
    const before = parseCursor(q.before) ?? (q.at !== undefined ? { timeMs: q.at + 1, id: 0 } : undefined);
    const kinds = q.kinds ? q.kinds.split(',').map((k) => k.trim()).filter(Boolean) : undefined;
    const rows = await deps.repos.pcs.historyPage(pc, { before, kinds, limit: q.limit });
    const last = rows.at(-1);
    return { mode: 'page', events: rows.map((r) => eventView(r, false)), next: rows.length === q.limit && last ? `${last.timeMs}:${last.id}` : null };
  });
}
