import { z } from 'zod';

/** Mamori's severities, mildest first (the same scale as alerts). */
export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];
const SeveritySchema = z.enum(severities);

/** Syslog facilities by name (RFC 5424 §6.2.1), for the PRI of every message a syslog sink sends. */
export const syslogFacilities = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

const SocketTargetSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** TLS (RFC 5425 for syslog) when present; the receiver's certificate is checked against `ca_file` (or the system's CAs). */
  tls: z.object({
    ca_file: z.string().min(1).optional(),
    /** Name expected in the receiver's certificate; defaults to `host`. */
    server_name: z.string().min(1).optional(),
    /** Client certificate and key (PEM files) for receivers that require mutual TLS. */
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
  }).strict().optional(),
}).strict();

const FileTargetSchema = z.object({
  path: z.string().min(1),
  /** The active file is renamed to PATH.1 (PATH.1 to PATH.2 …) before a write would take it past this size. */
  max_bytes: z.number().int().min(4096).default(100 * 1024 * 1024),
  /** Rotated files kept; older ones are deleted. */
  keep: z.number().int().min(1).max(1000).default(10),
}).strict();

const SinkSchema = z.object({
  /** Names the sink's cursor: renaming a sink starts it afresh. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -'),
  /** syslog: RFC 5424 messages, RFC 6587 octet-counted frames (socket only); ecs_json: one ECS document per line. */
  format: z.enum(['syslog', 'ecs_json']),
  socket: SocketTargetSchema.optional(),
  file: FileTargetSchema.optional(),
  /** Event kinds to send (eventKind() names, e.g. file_copy, mail, imported_record); empty = every kind. */
  kinds: z.array(z.string().min(1)).default([]),
  /** Events below this severity are skipped (the cursor still moves past them). */
  min_severity: SeveritySchema.default('info'),
  /** A new sink starts with the oldest stored event (`beginning`) or with events stored after it was added (`end`). */
  start: z.enum(['beginning', 'end']).default('beginning'),
  /**
   * What the sink carries: stored events, alerts as raised (min_severity applies) and the collector's audit chain
   * (every entry). Each has its own cursor, so adding a stream later sends its records from the start (or end).
   */
  records: z.array(z.enum(['events', 'alerts', 'audit'])).min(1).default(['events'])
    .refine((records) => new Set(records).size === records.length, 'each record stream once'),
  facility: z.enum(Object.keys(syslogFacilities) as [keyof typeof syslogFacilities, ...(keyof typeof syslogFacilities)[]]).default('local0'),
}).strict().superRefine((sink, ctx) => {
  if (!sink.socket === !sink.file) ctx.addIssue({ code: 'custom', message: 'give exactly one of socket or file' });
  if (sink.format === 'syslog' && sink.file) ctx.addIssue({ code: 'custom', message: 'syslog goes to a socket; use ecs_json for a file' });
});
export type SiemSinkConfig = z.infer<typeof SinkSchema>;

/** The `siem` section of collector.yaml: where events go, and how severe each kind of event counts. */
export const SiemConfigSchema = z.object({
  sinks: z.array(SinkSchema).default([]).refine((sinks) => new Set(sinks.map((s) => s.name)).size === sinks.length, 'sink names must be unique'),
  /** Severity of an event by kind; kinds not listed are `default_severity`. */
  severities: z.record(z.string(), SeveritySchema).default({}),
  default_severity: SeveritySchema.default('info'),
  /** An event that records a block (device blocked, mail blocked, print job cancelled …) is at least this severe. */
  blocked_severity: SeveritySchema.default('medium'),
  /** SD-ID enterprise number in syslog structured data. 32473 is the number RFC 5612 reserves for documentation: set your own. */
  enterprise_number: z.number().int().positive().default(32473),
}).strict();
export type SiemConfig = z.infer<typeof SiemConfigSchema>;
