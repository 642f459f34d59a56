import { z } from 'zod';
import { DurationSchema, SeveritySchema } from './alerts.ts';

const email = z.string().trim().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an e-mail address like it@example.co.jp');
const timezone = z.string().min(1).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Asia/Tokyo');

/**
 * A recipient group. Alerts at or above `min_severity` reach it; those at or above `immediate` are mailed at
 * once, the rest go into an hourly or daily digest (or nowhere, with digest: none).
 */
export const RecipientGroupSchema = z.object({
  recipients: z.array(email).min(1),
  min_severity: SeveritySchema.default('high'),
  immediate: SeveritySchema.default('high'),
  digest: z.enum(['hourly', 'daily', 'none']).default('daily'),
  /** Only alerts of these rule ids (all when absent). */
  rules: z.array(z.string().min(1)).optional(),
}).strict();
export type RecipientGroup = z.infer<typeof RecipientGroupSchema>;

/** The `notifications` section: who gets which alerts by e-mail, how fast, and how many. */
export const NotificationsPolicySchema = z.object({
  enabled: z.boolean().default(true),
  groups: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'group names are snake_case'), RecipientGroupSchema).default({}),
  /** Per recipient: at most `max` immediate mails per `per`; beyond that one "N more" summary when the window frees. */
  rate_limit: z.object({
    max: z.number().int().min(1).default(10),
    per: DurationSchema.default(3_600_000),
  }).strict().prefault({}),
  /** Local time at which daily digests go out, and the zone used for times in mails. */
  daily_at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 08:30').default('08:00'),
  timezone: timezone.default('Asia/Tokyo'),
}).strict().prefault({});
export type NotificationsPolicy = z.infer<typeof NotificationsPolicySchema>;
