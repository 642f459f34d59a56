import { z } from 'zod';

// Collector settings (GET/PUT /api/settings) and the display settings every signed-in person reads (GET /api/display).

const mailLanguage = z.enum(['en', 'ja']);

export const outboxProblem = z.strictObject({
  id: z.number(), recipient: z.string(), subject: z.string(), attempts: z.number(), lastError: z.string(), createdMs: z.number(), nextAttemptMs: z.number(), failedMs: z.number().nullable(),
});

export const collectorSettings = z.strictObject({
  smtp: z.strictObject({ host: z.string(), port: z.number(), secure: z.boolean(), from: z.string(), user: z.string().optional(), passwordSet: z.boolean(), source: z.enum(['console', 'config']) }),
  publicUrl: z.strictObject({ value: z.string(), source: z.enum(['console', 'config', 'default']) }),
  /** The organisation's time zone: every time in the console is shown in it. */
  timeZone: z.strictObject({ value: z.string(), source: z.enum(['console', 'default']) }),
  /** The language alert mail is written in, by default and per recipient address. */
  mailLanguage: z.strictObject({ default: mailLanguage, recipients: z.record(z.string(), mailLanguage) }),
  updated: z.array(z.strictObject({ key: z.string(), updatedMs: z.number(), updatedBy: z.string() })),
  notificationsEnabled: z.boolean(),
  recipients: z.array(z.strictObject({ group: z.string(), recipients: z.array(z.string()), minSeverity: z.string(), immediate: z.string() })),
  outbox: z.strictObject({ queued: z.number(), failing: z.number(), failed: z.number(), sentLastDay: z.number(), problems: z.array(outboxProblem) }),
});

export const settingsUpdate = z.object({
  smtp: z.object({ host: z.string(), port: z.number(), secure: z.boolean(), from: z.string(), user: z.string().optional(), password: z.string().optional() }).optional(),
  publicUrl: z.string().optional(),
  timeZone: z.string().optional(),
  mailLanguage: z.object({ default: mailLanguage, recipients: z.record(z.string(), mailLanguage) }).optional(),
});

/** How every signed-in person sees times (GET /api/display). */
export const displaySettings = z.strictObject({ timeZone: z.string() });

export type OutboxProblem = z.infer<typeof outboxProblem>;
export type CollectorSettings = z.infer<typeof collectorSettings>;
export type SettingsUpdate = z.infer<typeof settingsUpdate>;
export type DisplaySettings = z.infer<typeof displaySettings>;
