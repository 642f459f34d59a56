import { z } from 'zod';
import { CategoriesSchema } from './schema/categories.ts';
import { ContentPolicySchema } from './schema/content.ts';
import { DeviceAllowSchema, DeviceModeSchema } from './schema/device.ts';
import { FileCopyPolicySchema } from './schema/file-copy.ts';
import { PurposeSchema } from './schema/general.ts';
import { MailPolicySchema } from './schema/mail.ts';
import { PrintPolicySchema } from './schema/print.ts';
import { UploadPolicySchema } from './schema/upload.ts';

/** A device exception as pushed in an effective policy (collector-made or, on the agent, from an unlock code). */
export const DeviceExceptionSchema = z.object({
  id: z.string().min(1),
  serial: z.string().min(1).optional(),
  mode: DeviceModeSchema,
  untilMs: z.number().int(),
  reason: z.string().optional(),
  createdBy: z.string().optional(),
}).strict();

/** An upload exception as pushed in an effective policy: one category or one domain. */
export const PushedUploadExceptionSchema = z.object({
  id: z.string().min(1),
  category: z.string().min(1).optional(),
  domain: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  untilMs: z.number().int(),
  reason: z.string().optional(),
  createdBy: z.string().optional(),
}).strict().refine((e) => (e.category === undefined) !== (e.domain === undefined), {
  message: 'an upload exception names exactly one of category or domain',
});

/**
 * The policy one agent receives (EffectivePolicy), checked by the agent before it enforces it. Each section is
 * checked with the very schema the collector validated the organisation's YAML with, so a policy the collector
 * would have refused cannot reach a PC through a bug, a hand-edited database or a forged push. Top-level sections
 * this agent does not know are let through (a newer collector may add one; this agent cannot enforce it anyway).
 */
export const EffectivePolicySchema = z.object({
  version: z.number().int().nonnegative(),
  pc: z.string(),
  purpose: PurposeSchema,
  device: z.object({
    mode: DeviceModeSchema,
    message: z.string(),
    rule: z.string().min(1),
    allow: z.array(DeviceAllowSchema),
    exceptions: z.array(DeviceExceptionSchema),
  }).strict(),
  file_copy: FileCopyPolicySchema,
  print: PrintPolicySchema,
  mail: MailPolicySchema,
  upload: UploadPolicySchema,
  upload_exceptions: z.array(PushedUploadExceptionSchema).optional(),
  categories: CategoriesSchema,
  content: ContentPolicySchema.optional(),
}).loose();
