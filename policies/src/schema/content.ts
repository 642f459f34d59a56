import { z } from 'zod';
import { SeveritySchema } from './alerts.ts';

const ruleName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'use lower-case letters, digits and _ (starting with a letter)');

const regexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** Text in both languages the product speaks: the user's language is picked where it is shown. */
export const LocalizedTextSchema = z.object({ en: z.string().min(1), ja: z.string().min(1) }).strict();
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** Built-in detectors: each has its own check (My Number check digit, Luhn + issuer ranges, Japanese shapes). */
export const ContentDetectorSchema = z.enum(['my_number', 'credit_card', 'phone', 'postal_code', 'bank_account']);
export type ContentDetector = z.infer<typeof ContentDetectorSchema>;

/** What a finding does in the mail relay: refuse the mail (5xx), relay and flag it, or only log it. */
export const ContentMailActionSchema = z.enum(['block', 'warn', 'off']);

/**
 * One content rule: a detector (or keywords, a regex, a registered document) and how many distinct hits make a
 * finding — e.g. one My Number is a finding, ten are a personal-data list.
 */
export const ContentRuleSchema = z.object({
  name: ruleName,
  detector: ContentDetectorSchema.optional(),
  keywords: z.array(z.string().min(1)).min(1).optional(),
  regex: regexSource.optional(),
  /** A registered document by name (see `fingerprints`), or `any` for every registered document. */
  fingerprint: z.string().min(1).optional(),
  /** Distinct matches needed (distinct numbers for detectors, occurrences for keywords and regexes). */
  min_count: z.number().int().min(1).default(1),
  /** Severity of the event that carries the finding (USB copies, uploads); alert rules match on it. */
  severity: SeveritySchema.default('medium'),
  /** What the mail relay does when an attachment has this finding. */
  mail: ContentMailActionSchema.default('warn'),
  /** What the finding is called in logs, alerts and the message to the user. */
  label: LocalizedTextSchema.optional(),
}).strict().refine(
  (rule) => [rule.detector, rule.keywords, rule.regex, rule.fingerprint].filter((v) => v !== undefined).length === 1,
  'a content rule needs exactly one of detector, keywords, regex or fingerprint',
);
export type ContentRule = z.infer<typeof ContentRuleSchema>;

/**
 * A registered sensitive document: hashes of overlapping character shingles of its normalised text, made with
 * `mamori-agent fingerprint FILE --name NAME`. A file sharing at least `min_overlap` of them is that document (or
 * most of it), whatever its name, format or encoding.
 */
export const FingerprintSchema = z.object({
  name: ruleName,
  label: LocalizedTextSchema.optional(),
  /** Shingle length in characters the hashes were made with. */
  shingle_chars: z.number().int().min(4).max(64).default(12),
  /** Base64 of the sorted 32-bit shingle hashes (big-endian). */
  hashes: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 as printed by mamori-agent fingerprint')
    .refine((text) => Buffer.from(text, 'base64').length % 4 === 0 && Buffer.from(text, 'base64').length >= 16, 'must hold at least four 32-bit hashes'),
  min_overlap: z.number().gt(0).max(1).default(0.5),
}).strict();
export type Fingerprint = z.infer<typeof FingerprintSchema>;

/** Bounds on inspection: past any of them the result is "not inspected" with the reason, never a silent pass. */
export const ContentLimitsSchema = z.object({
  /** Files larger than this are not inspected (hashing still happens). */
  max_file_bytes: z.number().int().positive().default(100 * 1024 * 1024),
  /** Total bytes unpacked from one archive, nested archives included. */
  max_unpacked_bytes: z.number().int().positive().default(200 * 1024 * 1024),
  /** Largest uncompressed/compressed ratio of one archive entry (zip bombs are 1000:1 and more). */
  max_ratio: z.number().positive().default(100),
  /** Archives inside archives (and mails inside mails) followed this deep. */
  max_depth: z.number().int().min(0).max(10).default(3),
  /** Entries of one archive looked at. */
  max_entries: z.number().int().positive().default(10_000),
  /** Wall-clock budget per file; past it the result is "not inspected: time budget". */
  time_budget_ms: z.number().int().positive().default(5_000),
}).strict().prefault({});
export type ContentLimits = z.infer<typeof ContentLimitsSchema>;

/** The `content` section: what the agent looks for inside mail attachments, files copied to USB and uploads. */
export const ContentPolicySchema = z.object({
  enabled: z.boolean().default(true),
  limits: ContentLimitsSchema,
  rules: z.array(ContentRuleSchema).default([]),
  fingerprints: z.array(FingerprintSchema).default([]),
}).strict().superRefine((policy, ctx) => {
  const names = new Set<string>();
  policy.rules.forEach((rule, index) => {
    if (names.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `duplicate rule name ${rule.name}` });
    names.add(rule.name);
    if (rule.fingerprint && rule.fingerprint !== 'any' && !policy.fingerprints.some((f) => f.name === rule.fingerprint)) {
      ctx.addIssue({ code: 'custom', path: ['rules', index, 'fingerprint'], message: `unknown fingerprint ${rule.fingerprint}` });
    }
  });
  const prints = new Set<string>();
  policy.fingerprints.forEach((print, index) => {
    if (prints.has(print.name)) ctx.addIssue({ code: 'custom', path: ['fingerprints', index, 'name'], message: `duplicate fingerprint name ${print.name}` });
    prints.add(print.name);
  });
}).prefault({});
export type ContentPolicy = z.infer<typeof ContentPolicySchema>;
