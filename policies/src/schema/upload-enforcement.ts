import { z } from 'zod';

/**
 * What happens when a file is about to enter a page of a destination:
 * - block: the page never receives the file; the user sees why and can ask for an exception;
 * - warn: the page receives it only after the user confirms and gives a reason (recorded);
 * - audit: the file goes through; the decision is recorded as an event as well as the upload;
 * - allow: the file goes through (the upload itself is still recorded).
 */
export const UploadModeSchema = z.enum(['block', 'warn', 'audit', 'allow']);
export type UploadMode = z.infer<typeof UploadModeSchema>;

const CategoryName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'category names are snake_case');
const Domain = z.string().trim().toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a domain name like "firestorage.jp" (no scheme, port or path)');
const Name = z.string().min(1).max(128);

/** Mode per category and per domain; a domain matches itself and its subdomains, the longest wins. */
const ModesSchema = z.object({
  categories: z.record(CategoryName, UploadModeSchema).default({}),
  domains: z.record(Domain, UploadModeSchema).default({}),
}).strict();

const OverrideSchema = ModesSchema.extend({
  /** PC names the group applies to (groups only). */
  pcs: z.array(Name).max(10_000).default([]),
}).strict();

/** A temporary exception: lifts block/warn for one category or one domain until it expires. */
export const UploadExceptionSchema = z.object({
  category: CategoryName.optional(),
  domain: Domain.optional(),
  /** Only on these PCs / for these users (absent: everywhere / everyone). */
  pcs: z.array(Name).max(10_000).optional(),
  users: z.array(Name).max(10_000).optional(),
  /** When the exception ends (ISO 8601 with a zone, e.g. 2026-12-01T17:00:00+09:00). */
  until: z.iso.datetime({ offset: true, message: 'until must be an ISO 8601 time with a zone, e.g. 2026-12-01T17:00:00+09:00' }),
  reason: z.string().max(500).default(''),
}).strict().refine((e) => (e.category === undefined) !== (e.domain === undefined), {
  message: 'an exception names exactly one of category or domain',
});
export type UploadException = z.infer<typeof UploadExceptionSchema>;

/**
 * `upload.enforcement`: blocking by policy, applied by the browser extension before the page receives a file
 * (file input, drag-and-drop, paste). Precedence: allow_domains, then a live exception, then the most specific
 * scope (user > PC > group > organisation), within a scope a domain rule before a category rule.
 */
export const UploadEnforcementSchema = ModesSchema.extend({
  /** Never blocked or warned, whatever the category (the organisation's partners, its own tenant …). */
  allow_domains: z.array(Domain).max(10_000).default([]),
  groups: z.record(Name, OverrideSchema).default({}),
  pcs: z.record(Name, ModesSchema).default({}),
  users: z.record(Name, ModesSchema).default({}),
  exceptions: z.array(UploadExceptionSchema).max(10_000).default([]),
  /** Added to the in-page message (e.g. who to call); one text per language. */
  contact: z.object({ ja: z.string().max(500).default(''), en: z.string().max(500).default('') }).strict().default({ ja: '', en: '' }),
}).strict().superRefine((value, context) => {
  for (const domain of value.allow_domains) {
    if (value.domains[domain] !== undefined && value.domains[domain] !== 'allow') {
      context.addIssue({ code: 'custom', path: ['domains', domain], message: `"${domain}" is also in allow_domains: say one or the other` });
    }
  }
});
export type UploadEnforcement = z.infer<typeof UploadEnforcementSchema>;

export const defaultUploadEnforcement: UploadEnforcement = UploadEnforcementSchema.parse({});
