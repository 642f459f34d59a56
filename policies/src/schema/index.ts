import { z } from 'zod';
import { DevicePolicySchema } from './device.ts';
import { PurposeSchema } from './general.ts';
import { AlertsPolicySchema } from './alerts.ts';
import { CategoriesSchema } from './categories.ts';
import { ContentPolicySchema } from './content.ts';
import { FileCopyPolicySchema } from './file-copy.ts';
import { MailPolicySchema } from './mail.ts';
import { NotificationsPolicySchema } from './notifications.ts';
import { PrintPolicySchema } from './print.ts';
import { UploadPolicySchema } from './upload.ts';
import { LogImportsPolicySchema } from './log-imports.ts';
import { ReportsPolicySchema } from './reports.ts';
import { RiskPolicySchema } from './risk.ts';
import { RetentionPolicySchema } from './retention.ts';

/** One policy file: any subset of the sections below. Files in a policy folder are merged section by section. */
export const PolicyFileSchema = z.object({
  purpose: PurposeSchema.optional(),
  device: DevicePolicySchema.optional(),
  file_copy: FileCopyPolicySchema.optional(),
  print: PrintPolicySchema.optional(),
  mail: MailPolicySchema.optional(),
  upload: UploadPolicySchema.optional(),
  content: ContentPolicySchema.optional(),
  categories: CategoriesSchema.optional(),
  alerts: AlertsPolicySchema.optional(),
  notifications: NotificationsPolicySchema.optional(),
  log_imports: LogImportsPolicySchema.optional(),
  reports: ReportsPolicySchema.optional(),
  risk: RiskPolicySchema.optional(),
  retention: RetentionPolicySchema.optional(),
}).strict();

/** The whole organisation's policy, every section present with defaults applied. */
export const PolicySetSchema = z.object({
  purpose: PurposeSchema.default(PurposeSchema.parse({})),
  device: DevicePolicySchema.default(DevicePolicySchema.parse({})),
  file_copy: FileCopyPolicySchema,
  print: PrintPolicySchema,
  mail: MailPolicySchema,
  upload: UploadPolicySchema,
  content: ContentPolicySchema,
  categories: CategoriesSchema,
  alerts: AlertsPolicySchema,
  notifications: NotificationsPolicySchema,
  log_imports: LogImportsPolicySchema,
  reports: ReportsPolicySchema,
  risk: RiskPolicySchema,
  retention: RetentionPolicySchema.default({}),
}).strict();

export type PolicySet = z.infer<typeof PolicySetSchema>;
export type PolicyFile = z.infer<typeof PolicyFileSchema>;
export * from './device.ts';
export * from './general.ts';
export * from './alerts.ts';
export * from './categories.ts';
export * from './content.ts';
export * from './file-copy.ts';
export * from './mail.ts';
export * from './notifications.ts';
export * from './print.ts';
export * from './upload.ts';
export * from './upload-enforcement.ts';
export * from './log-imports.ts';
export * from './reports.ts';
export * from './risk.ts';
export * from './retention.ts';
