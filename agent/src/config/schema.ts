import { z } from 'zod';
import { FileCopySensorConfigSchema } from '../sensors/file-copy/common/config.ts';
import { MailSensorConfigSchema } from '../sensors/mail/common/config.ts';
import { PrintSensorConfigSchema } from '../sensors/print/common/config.ts';
import { UploadSensorConfigSchema } from '../sensors/upload/common/config.ts';
import { UsbSensorConfigSchema } from '../sensors/usb/common/config.ts';
import { DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS } from '../uplink/backoff.ts';

/**
 * The agent's configuration: one schema, validated once at start, frozen and passed down. Each sensor's own
 * settings live in its section under `sensors`, declared next to the sensor (sensors/<name>/common/config.ts).
 */
export const AgentConfigSchema = z.object({
  /** Where the key, journal, pinned CA and applied policy live (/var/lib/mamori on Linux). */
  stateDir: z.string().min(1),
  /** Journal size cap in bytes; reaching it is recorded as an event. */
  journalMaxBytes: z.number().int().positive().default(2 * 1024 ** 3),
  uplink: z.object({
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** Backlog drain rate after an outage, so thousands of PCs returning at once don't swamp the collector. */
    drainEventsPerSecond: z.number().positive().default(20_000),
    /** Reconnect backoff (uplink/backoff.ts says why the cap is 15 s). */
    backoffInitialMs: z.number().int().positive().default(DEFAULT_BACKOFF_INITIAL_MS),
    backoffMaxMs: z.number().int().positive().default(DEFAULT_BACKOFF_MAX_MS),
    heartbeatMs: z.number().int().positive().default(30_000),
  }).strict().prefault({}),
  /** Clock checks: jumps while running, set back across a stop, skew against the collector (CLOCK_JUMP events). */
  clock: z.object({
    tickMs: z.number().int().min(10).default(10_000),
    jumpThresholdMs: z.number().int().min(1).default(60_000),
    skewThresholdMs: z.number().int().min(1).default(5 * 60_000),
  }).strict().prefault({}),
  local: z.object({
    /** Loopback endpoint for the tray page and the browser extension. */
    port: z.number().int().min(0).max(65535).default(7444),
  }).strict().prefault({}),
  /** Forward-secure sealing of the journal (core/sealer.ts). */
  seal: z.object({
    /** Off only to measure what sealing costs: events then go unsealed, and a collector holding this agent's seed rejects them. */
    enabled: z.boolean().default(true),
    /** An epoch ends after this long on the monotonic clock (and at every agent start)… */
    epochMs: z.number().int().min(50).default(300_000),
    /** …or after this many events. */
    epochEvents: z.number().int().min(1).default(10_000),
  }).strict().prefault({}),
  /**
   * Each sensor's section, composed strictly: a misspelt sensor (`usbb:`) or setting inside one (`pollMS:`) stops
   * the agent at start, naming the key, instead of being ignored while the sensor runs on its defaults. `usb` also
   * carries device control's settings (enforcement, sysRoot, unlockLedgerPath).
   */
  sensors: z.object({
    usb: UsbSensorConfigSchema,
    fileCopy: FileCopySensorConfigSchema,
    print: PrintSensorConfigSchema.prefault({}),
    mail: MailSensorConfigSchema.prefault({}),
    upload: UploadSensorConfigSchema,
  }).strict().prefault({}),
}).strict();

export type AgentConfig = Readonly<z.infer<typeof AgentConfigSchema>>;
