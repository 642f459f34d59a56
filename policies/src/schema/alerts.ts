import { z } from 'zod';

/** Alert severities, mildest first; order matters (watch-lists and off-hours raise by steps along it). */
export const severityLevels = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(severityLevels);
export type Severity = z.infer<typeof SeveritySchema>;

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #d32f2f').transform((c) => c.toLowerCase());
const name = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'use lower-case letters, digits and _ (starting with a letter)');

/** A duration such as 30s, 10m, 2h or 1d. */
export const DurationSchema = z.string().regex(/^\d{1,6}[smhd]$/, 'must be a duration like 30s, 10m, 2h or 1d')
  .transform((text) => Number(text.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[text.at(-1) as 's' | 'm' | 'h' | 'd']);

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be a time like 08:30');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-01');
const timezone = z.string().min(1).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Asia/Tokyo');

/** Working time of one site: anything outside it (or on a holiday) is off-hours. */
export const CalendarSchema = z.object({
  timezone: timezone.default('Asia/Tokyo'),
  weekdays: z.array(weekday).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  start: clock.default('08:00'),
  end: clock.default('19:00'),
  holidays: z.array(date).default([]),
}).strict();
export type Calendar = z.infer<typeof CalendarSchema>;

/** A site: its own calendar for the PCs listed (exact names, or `*` wildcards like "OSAKA-*"). */
export const SiteSchema = CalendarSchema.extend({
  pcs: z.array(z.string().min(1)).min(1),
}).strict();

/** A watch-list: alerts about these users or PCs are raised by `raise` severity steps (never above critical). */
export const WatchListSchema = z.object({
  users: z.array(z.string().min(1)).default([]),
  pcs: z.array(z.string().min(1)).default([]),
  raise: z.number().int().min(0).max(4).default(1),
  /** Until this date (inclusive) the entry applies; e.g. a leaver's last day plus a month. */
  until: date.optional(),
}).strict();

/** An allow-list: values (domains match subdomains too; `*` wildcards elsewhere) that never alert. */
export const AllowListSchema = z.object({
  type: z.enum(['domains', 'values']).default('values'),
  entries: z.array(z.string().min(1)).default([]),
}).strict();

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** A condition on one field of the event payload (snake_case or camelCase path, e.g. device.serial). */
export const FieldConditionSchema = z.union([
  scalar,
  z.object({
    equals: scalar.optional(),
    in: z.array(scalar).optional(),
    not_in: z.array(scalar).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    matches: z.string().refine((s) => { try { new RegExp(s, 'iu'); return true; } catch { return false; } }, 'must be a valid regular expression').optional(),
    /** true: the field is present and not empty/zero/false; false: absent or empty. */
    present: z.boolean().optional(),
  }).strict().refine((c) => Object.keys(c).length > 0, 'a condition needs at least one operator'),
]);
export type FieldCondition = z.infer<typeof FieldConditionSchema>;

const fieldPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a field path like device.serial');

export const AlertRuleSchema = z.object({
  id: name,
  name: z.string().min(1).max(120),
  enabled: z.boolean().default(true),
  severity: SeveritySchema,
  /** Overrides the severity's colour for this rule. */
  color: color.optional(),
  match: z.object({
    /** Event kind: device, file_copy, print_job, mail, upload, policy_decision, lifecycle, extension_health … */
    kind: z.string().regex(/^[a-z_]+$/, 'must be an event kind like file_copy'),
    /** Every listed field must satisfy its condition; a list-valued field matches if any element does. */
    fields: z.record(fieldPath, FieldConditionSchema).default({}),
    /** Only users/PCs on one of these watch-lists. */
    watch_lists: z.array(name).optional(),
  }).strict(),
  /** The event is ignored when every value of `field` is on one of the allow-lists. */
  unless_allowed: z.array(z.object({ field: z.union([fieldPath, z.array(fieldPath).min(1)]), lists: z.array(name).min(1) }).strict()).default([]),
  /** Fire only when the count (or sum of `sum`) within `window` exceeds `more_than`, per `per`. */
  threshold: z.object({
    more_than: z.number().min(0),
    window: DurationSchema,
    sum: fieldPath.optional(),
    per: z.array(z.enum(['user', 'pc'])).min(1).default(['pc', 'user']),
  }).strict().optional(),
  /** any (default), off_hours only, or working_hours only. */
  when: z.enum(['any', 'off_hours', 'working_hours']).default('any'),
  /** Severity steps added off-hours (e.g. a night-time USB copy). */
  off_hours_raise: z.number().int().min(0).max(4).default(0),
  /** Same rule + PC + user within this time folds into one alert; defaults to alerts.fold_window. */
  fold_window: DurationSchema.optional(),
}).strict();
export type AlertRule = z.infer<typeof AlertRuleSchema>;

const defaultColors = { critical: '#d32f2f', high: '#f57c00', medium: '#fbc02d', low: '#1976d2', info: '#9e9e9e' };

/** The `alerts` section: severities and colours, calendars, watch/allow-lists, built-in and custom rules. */
export const AlertsPolicySchema = z.object({
  /** One colour per severity, returned with every alert so the console need not guess. */
  colors: z.object({
    critical: color.default(defaultColors.critical),
    high: color.default(defaultColors.high),
    medium: color.default(defaultColors.medium),
    low: color.default(defaultColors.low),
    info: color.default(defaultColors.info),
  }).strict().prefault({}),
  fold_window: DurationSchema.default(3_600_000),
  calendar: CalendarSchema.prefault({}),
  sites: z.record(name, SiteSchema).default({}),
  watch_lists: z.record(name, WatchListSchema).default({}),
  allow_lists: z.record(name, AllowListSchema).default({}),
  builtin: z.object({
    /** No connection from an agent for longer than this. */
    // An outage that began in the site's working time and lasts `after` joins that site's one alert per working day;
    // a PC silent longer than `not_reporting_after` is listed under "not reporting" instead of alerting.
    agent_offline: z.object({
      enabled: z.boolean().default(true), after: DurationSchema.default(30 * 60_000), severity: SeveritySchema.default('high'), color: color.optional(),
      not_reporting_after: DurationSchema.default(3 * 24 * 3_600_000),
    }).strict().prefault({}),
    /**
     * Integrity findings (signature failure, chain break, sequence gap, fork, failed stream authentication …):
     * always on. Each finding kind per PC is its own alert; `severity` sets it per kind, and a kind not listed
     * (including kinds a newer collector adds) takes `default_severity`.
     */
    tamper: z.object({
      enabled: z.literal(true).default(true),
      color: color.optional(),
      default_severity: SeveritySchema.default('critical'),
      severity: z.record(z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a finding kind like chain_break'), SeveritySchema).default({}),
    }).strict().prefault({}),
  }).strict().prefault({}),
  rules: z.array(AlertRuleSchema).default([]),
}).strict().superRefine((policy, ctx) => {
  const seen = new Set<string>();
  policy.rules.forEach((rule, index) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `duplicate rule id ${rule.id}` });
    seen.add(rule.id);
    for (const list of rule.match.watch_lists ?? []) {
      if (!policy.watch_lists[list]) ctx.addIssue({ code: 'custom', path: ['rules', index, 'match', 'watch_lists'], message: `unknown watch-list ${list}` });
    }
    rule.unless_allowed.forEach((entry, j) => {
      for (const list of entry.lists) {
        if (!policy.allow_lists[list] && !builtinAllowLists.includes(list)) {
          ctx.addIssue({ code: 'custom', path: ['rules', index, 'unless_allowed', j, 'lists'], message: `unknown allow-list ${list}` });
        }
      }
    });
  });
}).prefault({});
export type AlertsPolicy = z.infer<typeof AlertsPolicySchema>;

/** Allow-lists that exist without being declared: the mail section's internal and partner domains. */
export const builtinAllowLists = ['mail_internal_domains'];
