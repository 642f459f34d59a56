import { z } from 'zod';

/**
 * What the agent does with a print job a rule matches: record it (log), record it as an alert, or stop it in the
 * spooler (cancel, or hold so an administrator can release it). Ordered from mildest to strongest.
 */
export const PrintActionSchema = z.enum(['log', 'alert', 'hold', 'cancel']);
export type PrintAction = z.infer<typeof PrintActionSchema>;

/** A page threshold: pages are impressions (pages × copies), as the spooler counts them. */
export const PrintLimitSchema = z.object({
  pages: z.number().int().positive(),
  action: PrintActionSchema.default('alert'),
}).strict();
export type PrintLimit = z.infer<typeof PrintLimitSchema>;

export const PrintDisallowedSchema = z.object({
  /** Printer (queue) names, matched case-insensitively; `*` matches any run of characters, e.g. "Home-*". */
  printers: z.array(z.string().min(1)).default([]),
  action: PrintActionSchema.default('cancel'),
}).strict();

/** The `print` section: thresholds and forbidden printers. Jobs no rule matches are logged. */
export const PrintPolicySchema = z.object({
  /** Turns print monitoring off entirely on the PCs this policy reaches. */
  enabled: z.boolean().default(true),
  /** One job with more pages than this. */
  per_job: PrintLimitSchema.optional(),
  /** One user's pages on one PC on one (agent-local) calendar day, this job included. */
  per_user_per_day: PrintLimitSchema.optional(),
  disallowed_printers: PrintDisallowedSchema.optional(),
}).strict().default({ enabled: true });
export type PrintPolicy = z.infer<typeof PrintPolicySchema>;
