import { z } from 'zod';
import { defaultUploadEnforcement, UploadEnforcementSchema } from './upload-enforcement.ts';

const CategoryName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'category names are snake_case');

/** The `upload` section: web uploads reported by the browser extension. */
export const UploadPolicySchema = z.object({
  /** Record uploads at all (the extension's health is watched either way). */
  enabled: z.boolean().default(true),
  /** Uploads to these categories also raise an alert (a policy_decision event with decision "alert"). */
  alert_categories: z.array(CategoryName).default([]),
  /** The category of the organisation's own domains: recorded, never alerted even if listed above. */
  own_category: CategoryName.default('organisation'),
  /** Category given to destinations that match no category. */
  uncategorised: CategoryName.default('uncategorised'),
  /** Alert on uploads to uncategorised destinations too (noisy; off by default). */
  alert_uncategorised: z.boolean().default(false),
  /** Shorthand for `enforcement.categories.<name>: block` (an explicit enforcement entry wins). */
  block_categories: z.array(CategoryName).default([]),
  /** Blocking, warning and audit by category, domain, group, PC and user (see upload-enforcement.ts). */
  enforcement: UploadEnforcementSchema.default(defaultUploadEnforcement),
}).strict().default({
  enabled: true, alert_categories: [], own_category: 'organisation', uncategorised: 'uncategorised', alert_uncategorised: false,
  block_categories: [], enforcement: defaultUploadEnforcement,
});

export type UploadPolicy = z.infer<typeof UploadPolicySchema>;
