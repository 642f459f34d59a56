import { z } from 'zod';

/**
 * What an inspection report can contain, in the order a template lists them. `risk_scores`: the `top` people by
 * their highest risk score in the period, with the breakdown (the report says so when risk scoring is off).
 */
export const reportItems = [
  'usb_use', 'blocked_attempts', 'off_hours', 'external_mail_attachments', 'personal_storage_uploads', 'large_prints',
  'content_findings', 'risk_scores', 'tamper_and_stops', 'admin_actions',
] as const;
export const ReportItemSchema = z.enum(reportItems);
export type ReportItem = z.infer<typeof ReportItemSchema>;

const email = z.string().trim().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an e-mail address like audit@example.co.jp');
const timezone = z.string().min(1).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Asia/Tokyo');

/**
 * Which PCs a report covers. `group` names a group of the device section (device.groups.<name>.pcs: the only PC
 * grouping Mamori has; there is no department directory); `pcs` are PC names or `*` patterns ("ACCT-*"). Both
 * absent: every PC. Both present: PCs in the group or matching a pattern.
 */
export const ReportScopeSchema = z.object({
  group: z.string().min(1).optional(),
  pcs: z.array(z.string().min(1)).min(1).optional(),
}).strict();
export type ReportScope = z.infer<typeof ReportScopeSchema>;

/** One inspection report template: its items, scope, schedule, recipients. */
export const ReportTemplateSchema = z.object({
  title: z.string().min(1).max(200),
  /** weekly: Monday–Sunday; monthly: calendar months; none: on demand only. Periods are in `timezone`. */
  schedule: z.enum(['weekly', 'monthly', 'none']).default('none'),
  timezone: timezone.default('Asia/Tokyo'),
  scope: ReportScopeSchema.default({}),
  items: z.array(ReportItemSchema).min(1).refine((items) => new Set(items).size === items.length, 'an item is listed twice'),
  /** Mailed the PDF and CSV when a report is generated (through the collector's mail outbox). */
  recipients: z.array(email).default([]),
  /** A print job with more pages than this is "large" (default: the print section's per-job threshold). */
  large_print_pages: z.number().int().min(1).optional(),
  /** Rows listed per item in the PDF (the CSV has them all). */
  top: z.number().int().min(1).max(500).default(20),
}).strict();
export type ReportTemplate = z.infer<typeof ReportTemplateSchema>;

/** The `reports` section: inspection report templates by name. */
export const ReportsPolicySchema = z.object({
  templates: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'template names are snake_case'), ReportTemplateSchema).default({}),
}).strict().prefault({});
export type ReportsPolicy = z.infer<typeof ReportsPolicySchema>;
