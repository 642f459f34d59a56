import { z } from 'zod';
import { SeveritySchema } from './alerts.ts';

/**
 * The `risk` section: indicators and their weights, as data. The collector scores each person and each PC per day
 * from these (collector/src/risk/); every number here is a weight an operator may tune, nothing is hard-coded there.
 * Points of one day add up, and a day's score carries over to the next days halving every `half_life_days`.
 */

const points = z.number().min(0).max(1_000);
const factor = z.number().min(0).max(100);

/** One exfiltration vector: points per event, a volume term, and multipliers for destination and content. */
export const RiskVectorSchema = z.object({
  enabled: z.boolean().default(true),
  /** Points for each event of the vector (counted up to `max_events_per_day`). */
  per_event: points,
  max_events_per_day: z.number().int().min(1).max(10_000).default(20),
  /** The day's volume adds `per_volume_doubling` points per doubling of volume over `volume_unit` (bytes; pages for prints). */
  volume_unit: z.number().positive(),
  per_volume_doubling: points.default(1),
  /** Multiplier per destination category (uploads: category; mail: "external"; USB: "unregistered"). */
  destination_factors: z.record(z.string().min(1), factor).default({}),
}).strict();
export type RiskVector = z.infer<typeof RiskVectorSchema>;

/** Volume against the person's own history: rolling median and MAD of daily volume per vector. */
export const RiskBaselineSchema = z.object({
  enabled: z.boolean().default(true),
  window_days: z.number().int().min(7).max(365).default(30),
  /** Days with activity needed before the baseline speaks (else a newcomer's every day is "unusual"). */
  min_active_days: z.number().int().min(2).max(365).default(5),
  /** Robust z-score ((volume − median) / (1.4826 × MAD)) from which the day counts as unusual. */
  z_threshold: z.number().positive().default(4),
  /** Also unusual only when the volume is at least this multiple of the median (a tiny MAD makes z meaningless). */
  min_ratio: z.number().min(1).default(4),
  /** …and at least this many of the vector's `volume_unit`s: a few extra pages or a second small attachment is no anomaly. */
  min_volume_units: z.number().min(0).default(2),
  /** Points when unusual, plus `per_doubling` per doubling of volume over the median, capped at `max_points`. */
  points: points.default(20),
  per_doubling: points.default(8),
  max_points: points.default(80),
}).strict();

/** Volume against the department's (directory import) person-days of the previous window. */
export const RiskPeerSchema = z.object({
  enabled: z.boolean().default(true),
  window_days: z.number().int().min(7).max(365).default(30),
  /** Person-days with activity in the department needed before peers are compared. */
  min_peer_days: z.number().int().min(5).default(30),
  z_threshold: z.number().positive().default(6),
  min_ratio: z.number().min(1).default(5),
  points: points.default(15),
  max_points: points.default(40),
}).strict();

/** Off-hours and holidays by the site's working calendar (alerts.calendar and alerts.sites). */
export const RiskTimingSchema = z.object({
  enabled: z.boolean().default(true),
  /** Multiplier on the day's exfiltration points of events done off-hours (1 = no extra). */
  off_hours_factor: factor.default(2),
  /** Extra multiplier on a non-working day (weekend or holiday). */
  non_working_day_factor: factor.default(1.5),
  /**
   * Habit damping: off-hours work the person did on this share of their active days in the baseline window counts
   * as normal for them (a night shift's nights), and the factor fades towards 1 as the share rises to it.
   */
  habitual_share: z.number().min(0.05).max(1).default(0.5),
}).strict();

/** First times within the look-back window. */
export const RiskFirstTimesSchema = z.object({
  enabled: z.boolean().default(true),
  lookback_days: z.number().int().min(7).max(365).default(90),
  /** First USB copy by the person in the look-back window (only once the person has that much history). */
  first_usb: points.default(25),
  /** A destination domain (upload host, mail recipient domain) the person never used in the window. */
  new_destination: points.default(6),
  /** A USB device (serial) the person never used in the window. */
  new_device: points.default(8),
  /** Days of the person's history needed before anything counts as "first" (a newcomer's first week is not). */
  min_history_days: z.number().int().min(0).max(365).default(14),
}).strict();

/** Departing employees (HR CSV import): the person's exfiltration points are multiplied, rising in the final days. */
export const RiskDepartingSchema = z.object({
  enabled: z.boolean().default(true),
  /** Multiplier from the notice date on. */
  after_notice_factor: factor.default(1.5),
  /** Multiplier reached on the last day, rising linearly over `final_days`. */
  last_day_factor: factor.default(4),
  final_days: z.number().int().min(1).max(180).default(30),
  /** The multiplier stays this many days after the last day (access may outlive the contract). */
  grace_days: z.number().int().min(0).max(90).default(7),
  /** Column mapping of the HR CSV (header names, case-insensitive). */
  columns: z.object({
    user: z.string().min(1).default('user'),
    notice_date: z.string().min(1).default('notice_date'),
    last_day: z.string().min(1).default('last_day'),
  }).strict().prefault({}),
}).strict();

/**
 * Attendance records (CSV import): where a person has a record for the day, working time is their recorded start to
 * end (a start after the end runs past midnight) instead of the site calendar; the calendar still decides other days.
 */
export const RiskAttendanceSchema = z.object({
  enabled: z.boolean().default(true),
  /** Minutes before the recorded start and after the recorded end that still count as working time (logging in early, wrapping up). */
  margin_minutes: z.number().int().min(0).max(240).default(30),
  /** Column mapping of the attendance CSV (header names, case-insensitive); start and end as HH:MM local time. */
  columns: z.object({
    person: z.string().min(1).default('person'),
    date: z.string().min(1).default('date'),
    start: z.string().min(1).default('start'),
    end: z.string().min(1).default('end'),
  }).strict().prefault({}),
}).strict();

/**
 * The collector's integrity findings that count as tamper on the PC. Left out by default: the ones the agent also
 * reports as a lifecycle event (journal_reset, unsent_discarded, seal_reset: already `tamper`), and the benign or
 * unattributable ones (out_of_order, re_enrolled, stream_auth_failed, stream_unknown_agent).
 */
const defaultIntegrityKinds = [
  'chain_break', 'chain_mismatch', 'fork', 'signature_invalid', 'seal_invalid', 'envelope_mismatch', 'malformed_signed_event',
  'sequence_gap', 'journal_overflow', 'hostname_takeover', 'clock_ahead', 'clock_behind',
];

/** Tamper signals, agent stops, blocked attempts and integrity findings: points per event (finding), capped per day. */
export const RiskSignalsSchema = z.object({
  enabled: z.boolean().default(true),
  tamper: points.default(30),
  agent_stop: points.default(10),
  blocked_attempt: points.default(4),
  /** Points per integrity finding of a kind in `integrity_kinds` on the PC (0: findings do not count). */
  integrity: points.default(20),
  integrity_kinds: z.array(z.string().regex(/^[a-z_]+$/, 'a finding kind such as chain_break')).default(defaultIntegrityKinds),
  max_points_per_day: points.default(60),
}).strict();

/** Points multiplier by the highest content-finding severity of the events (content inspection). */
const contentFactors = z.object({
  info: factor.default(1), low: factor.default(1.2), medium: factor.default(1.5), high: factor.default(2.5), critical: factor.default(4),
}).strict().prefault({});

export const RiskPolicySchema = z.object({
  enabled: z.boolean().default(true),
  /** A day's points count half after this many days. */
  half_life_days: z.number().positive().max(365).default(7),
  vectors: z.object({
    usb: RiskVectorSchema.prefault({ per_event: 0.5, volume_unit: 10_000_000 }),
    cloud_upload: RiskVectorSchema.prefault({ per_event: 1, volume_unit: 5_000_000, destination_factors: { personal_cloud: 3, file_transfer: 3, webmail: 2 } }),
    external_mail: RiskVectorSchema.prefault({ per_event: 0.5, volume_unit: 5_000_000 }),
    print: RiskVectorSchema.prefault({ per_event: 0.2, volume_unit: 50, per_volume_doubling: 0.5 }),
  }).strict().prefault({}),
  /** Upload categories that count as the cloud_upload vector (others are ignored). */
  upload_categories: z.array(z.string().min(1)).default(['personal_cloud', 'file_transfer', 'webmail']),
  content_factors: contentFactors,
  baseline: RiskBaselineSchema.prefault({}),
  peers: RiskPeerSchema.prefault({}),
  timing: RiskTimingSchema.prefault({}),
  first_times: RiskFirstTimesSchema.prefault({}),
  departing: RiskDepartingSchema.prefault({}),
  attendance: RiskAttendanceSchema.prefault({}),
  signals: RiskSignalsSchema.prefault({}),
  alerts: z.object({
    enabled: z.boolean().default(true),
    /** A person's score reaching this raises (or folds into) that person's risk alert of the day. */
    threshold: points.default(60),
    /** A day adding at least this many points raises it too, whatever the total. */
    jump: points.default(40),
    severity: SeveritySchema.default('high'),
  }).strict().prefault({}),
  /** The daily digest of the top movers, mailed to the managers who subscribed (console Risk page or API). */
  digest: z.object({
    enabled: z.boolean().default(true),
    /** Local time the digest is queued each day (it covers the day before, which is then complete). */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 08:30').default('08:30'),
    /** Time zone of `time` (default: the organisation's calendar, alerts.calendar.timezone). */
    timezone: z.string().min(1).optional(),
    /** People listed: the biggest rises since the day before. */
    top: z.number().int().min(1).max(50).default(10),
  }).strict().prefault({}),
  privacy: z.object({
    /** Operators see pseudonyms instead of user names until an admin or auditor reveals one (with a reason, audited). */
    pseudonymise: z.boolean().default(false),
  }).strict().prefault({}),
}).strict().prefault({});
export type RiskPolicy = z.infer<typeof RiskPolicySchema>;
