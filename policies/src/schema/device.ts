import { z } from 'zod';

export const DeviceModeSchema = z.enum(['block', 'read_only', 'allow', 'audit']);
export type DeviceMode = z.infer<typeof DeviceModeSchema>;

const hex4 = z.string().regex(/^[0-9a-fA-F]{4}$/, 'must be 4 hex digits').transform((v) => v.toLowerCase());

/** One allow-list entry: a device model (vendor:product) and/or one stick (serial), optionally bound. */
export const DeviceAllowSchema = z.object({
  name: z.string().min(1),
  vendor_id: hex4.optional(),
  product_id: hex4.optional(),
  serial: z.string().min(1).optional(),
  mode: DeviceModeSchema.default('allow'),
  pcs: z.array(z.string()).optional(),
  users: z.array(z.string()).optional(),
}).strict().refine((e) => e.serial !== undefined || e.vendor_id !== undefined, {
  message: 'an allow-list entry needs a serial or a vendor_id',
}).refine((e) => e.product_id === undefined || e.vendor_id !== undefined, {
  message: 'product_id needs a vendor_id (a product id means nothing without its vendor)',
  path: ['product_id'],
});

const DeviceRulesSchema = z.object({
  mode: DeviceModeSchema.optional(),
  message: z.string().optional(),
}).strict();

export const DevicePolicySchema = z.object({
  default: z.object({
    mode: DeviceModeSchema.default('block'),
    message: z.string().default('USB storage is blocked on this PC by company policy. You can request an exception.'),
  }).strict().default({ mode: 'block', message: 'USB storage is blocked on this PC by company policy. You can request an exception.' }),
  groups: z.record(z.string(), DeviceRulesSchema.extend({ pcs: z.array(z.string()).default([]) }).strict()).default({}),
  pcs: z.record(z.string(), DeviceRulesSchema).default({}),
  allow: z.array(DeviceAllowSchema).default([]),
}).strict();
