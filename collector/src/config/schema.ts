import { z } from 'zod';
import { SiemConfigSchema } from '../siem/config.ts';
import { DatabaseConfigSchema } from './database.ts';

/** host:port as agents dial it (the enrollment token checks the same shape). */
const collectorAddressPattern = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** The collector's configuration (<dataDir>/collector.yaml plus CLI flags), validated once and frozen. */
export const CollectorConfigSchema = z.object({
  dataDir: z.string().min(1),
  /** Shown to agents and in mails. */
  name: z.string().min(1).default('mamori-collector'),
  grpc: z.object({
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(7443),
    /** host:port agents dial; goes into enrollment tokens. */
    advertise: z.string().regex(collectorAddressPattern).default('localhost:7443'),
    /**
     * Every collector of the deployment (host:port; all on one database, with one CA), in the order agents should
     * try them. Handed to agents at enrollment and in every welcome, so a PC enrolled through one collector fails
     * over to the others. Unset (one collector): agents keep the address from their token.
     */
    agentAddresses: z.array(z.string().regex(collectorAddressPattern, 'expected host:port')).min(1).max(32).optional(),
    maxBatchEvents: z.number().int().positive().default(5000),
  }).strict().prefault({}),
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8443),
    /** Public URL of the console, used in alert mails; defaults from host and port. */
    publicUrl: z.string().url().optional(),
  }).strict().prefault({}),
  /** SMTP server for alert mail. */
  smtp: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().default(25),
    secure: z.boolean().default(false),
    from: z.string().default('mamori@localhost'),
    user: z.string().optional(),
    password: z.string().optional(),
  }).strict().prefault({}),
  /** SIEM export: syslog (RFC 5424, TCP/TLS) and ECS JSON lines (socket or rotating file); see siem/config.ts. */
  siem: SiemConfigSchema.prefault({}),
  /** Inspection reports: the Japanese font for PDFs (default: Debian's IPAex/IPA Gothic) and how often schedules are checked. */
  reports: z.object({
    font: z.string().min(1).optional(),
    checkEveryMs: z.number().int().min(1_000).default(60_000),
  }).strict().prefault({}),
  /** Sensors agents report as degraded: how often the collector looks, and how long one may stay degraded before an alert. */
  sensorHealth: z.object({
    checkEveryMs: z.number().int().min(100).default(30_000),
    degradedAlertAfterMs: z.number().int().min(0).default(30 * 60_000),
  }).strict().prefault({}),
  /** Retention (policy `retention:`): where the evidence exported before a delete is written, and how often it runs. */
  retention: z.object({
    exportDir: z.string().min(1).optional(),
    checkEveryMs: z.number().int().min(60_000).default(6 * 3_600_000),
  }).strict().prefault({}),
  /** The store: SQLite in the data dir unless `database.postgres.url` names a PostgreSQL database (config/database.ts). */
  database: DatabaseConfigSchema.prefault({}),
}).strict();

export type CollectorConfig = Readonly<z.infer<typeof CollectorConfigSchema>>;
