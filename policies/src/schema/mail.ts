import { z } from 'zod';

/** What a mail rule does when it matches: refuse the mail (5xx to the mail client), log a warning, or nothing. */
export const MailActionSchema = z.enum(['block', 'warn', 'off']);
export type MailAction = z.infer<typeof MailActionSchema>;

const domain = z.string().trim().min(1)
  .transform((value) => value.toLowerCase().replace(/^@/, ''))
  .refine((value) => /^[a-z0-9.-]+$/.test(value) && !value.startsWith('.') && !value.endsWith('.'), 'must be a domain name like example.co.jp');

const regexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** One content rule: a built-in detector (with its check digit), a keyword list, or a regular expression. */
export const MailPatternSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and _'),
  detector: z.enum(['my_number', 'credit_card']).optional(),
  keywords: z.array(z.string().min(1)).min(1).optional(),
  regex: regexSource.optional(),
  action: MailActionSchema.default('warn'),
  /** Shown to the user when this rule blocks the mail. */
  message: z.string().optional(),
}).strict().refine(
  (rule) => [rule.detector, rule.keywords, rule.regex].filter((v) => v !== undefined).length === 1,
  'a pattern needs exactly one of detector, keywords or regex',
);
export type MailPattern = z.infer<typeof MailPatternSchema>;

/** The `mail` section: what the agent's SMTP relay blocks or flags in outgoing mail. */
export const MailPolicySchema = z.object({
  /** The organisation's own domains (subdomains included): recipients there are internal. */
  internal_domains: z.array(domain).default([]),
  /** Partner domains exempt from the external-recipient rules below (subdomains included). */
  allow_domains: z.array(domain).default([]),
  /** First line of every refusal, so the user knows it was company policy and not a mail server fault. */
  block_message: z.string().min(1).default('Mamori: this mail was not sent because of company policy.'),
  /** The same first line for users whose language is Japanese. */
  block_message_ja: z.string().min(1).default('Mamori: 会社のポリシーにより、このメールは送信されませんでした。'),
  /** Mails with attachments to any external recipient. */
  external_attachments: z.object({
    action: MailActionSchema.default('warn'),
    message: z.string().optional(),
  }).strict().prefault({}),
  /** Mails to more than `max` external recipients (to + cc + bcc). */
  external_recipients: z.object({
    max: z.number().int().min(0).default(20),
    action: MailActionSchema.default('warn'),
    message: z.string().optional(),
  }).strict().prefault({}),
  /** Checked against subject, body text and attachment names. */
  patterns: z.array(MailPatternSchema).default([]),
  /** A message whose MIME structure is broken: relay it (logged as malformed) or refuse it. */
  malformed: z.enum(['relay', 'refuse']).default('relay'),
  /** How much body text the log keeps (and the collector makes searchable). */
  body_excerpt_chars: z.number().int().min(0).max(10_000).default(500),
}).strict().prefault({});

export type MailPolicy = z.infer<typeof MailPolicySchema>;
