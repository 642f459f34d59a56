import { z } from 'zod';

// Sections owned by the sensor and alert features. Each starts permissive-but-strict and is extended by the
// feature that reads it; unknown keys are errors so a typo in a policy file is caught, not ignored.

export const PrintPolicySchema = z.object({}).strict().default({});
export const MailPolicySchema = z.object({}).strict().default({});
export const UploadPolicySchema = z.object({}).strict().default({});
export const FileCopyPolicySchema = z.object({}).strict().default({});
export const AlertsPolicySchema = z.object({}).strict().default({});
export const NotificationsPolicySchema = z.object({}).strict().default({});
export const CategoriesSchema = z.record(z.string(), z.array(z.string())).default({});
