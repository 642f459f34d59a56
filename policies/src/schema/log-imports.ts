import { z } from 'zod';

const ColumnName = z.string().min(1);

/**
 * How one other system's CSV log becomes Mamori events: which column holds the time, the user, the PC …, and
 * which event kind the rows become. Imported rows appear in the console's log and can be counted by reports
 * like any event kind (log_entries.kind = `event_kind`).
 */
export const LogImportMappingSchema = z.object({
  /** The event kind the rows become, e.g. resident_record_access. */
  event_kind: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, 'lower-case letters, digits and _, starting with a letter'),
  /** The system the log comes from, as shown in the console and sent to SIEMs (event.provider). */
  source: z.string().min(1),
  /** What people call this log in the console. */
  label: z.string().default(''),
  /** Character encoding of the file; Japanese line-of-business systems often write Shift_JIS. */
  encoding: z.enum(['utf-8', 'shift_jis', 'euc-jp']).default('utf-8'),
  delimiter: z.string().length(1).default(','),
  /** Time zone of times written without an offset (e.g. "2026/11/02 09:15:00"). */
  timezone: z.string().default('Asia/Tokyo'),
  /** Header names of the columns that fill the event's fields; only `time` is required. */
  columns: z.object({
    time: ColumnName,
    user: ColumnName.optional(),
    pc: ColumnName.optional(),
    action: ColumnName.optional(),
    target: ColumnName.optional(),
    outcome: ColumnName.optional(),
  }).strict(),
  /** Values of the outcome column that mean success or failure (others: unknown). */
  outcome_values: z.object({
    success: z.array(z.string()).default([]),
    failure: z.array(z.string()).default([]),
  }).strict().prefault({}),
  /** Extra columns kept with each event, by the name to keep them under (policy name → header name). */
  fields: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,47}$/), ColumnName).default({}),
}).strict();
export type LogImportMapping = z.infer<typeof LogImportMappingSchema>;

/** The `log_imports` section: mappings by name (the name used with `mamori-collector import-log --mapping`). */
export const LogImportsPolicySchema = z.object({
  mappings: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,47}$/), LogImportMappingSchema).default({}),
}).strict().default({ mappings: {} });
export type LogImportsPolicy = z.infer<typeof LogImportsPolicySchema>;
