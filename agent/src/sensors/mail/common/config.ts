import { z } from 'zod';

/** How the relay reaches the organisation's real mail server (its submission port). */
export const UpstreamConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** starttls: plain connect then STARTTLS, required (port 587); tls: implicit TLS (port 465); none: lab only. */
  security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  /** Verify the upstream's certificate (turn off only for a lab server with a self-signed certificate). */
  rejectUnauthorized: z.boolean().default(true),
  /** PEM CA bundle for an upstream signed by a private CA. */
  ca: z.string().optional(),
  /**
   * passthrough: the mail client's own AUTH is checked against and reused for the upstream;
   * configured: the relay logs in with `user`/`pass` below (a service account); none: no AUTH upstream.
   */
  auth: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('passthrough') }).strict(),
    z.object({ mode: z.literal('configured'), user: z.string().min(1), pass: z.string() }).strict(),
    z.object({ mode: z.literal('none') }).strict(),
  ]).default({ mode: 'passthrough' }),
  /** A slow upstream must end in a temporary failure well before the mail client itself gives up. */
  connectionTimeoutMs: z.number().int().positive().default(30_000),
  greetingTimeoutMs: z.number().int().positive().default(30_000),
  socketTimeoutMs: z.number().int().positive().default(120_000),
}).strict();

/** `sensors.mail` in the agent configuration. */
export const MailSensorConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** Where mail clients submit; loopback only (connections from elsewhere are refused). */
  listen: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(2525),
  }).strict().prefault({}),
  /** Absent: the relay does not start and the sensor reports itself degraded. */
  upstream: UpstreamConfigSchema.optional(),
  /** Messages are spooled here while parsed and relayed, then deleted; defaults to the OS temp folder. */
  spoolDir: z.string().optional(),
  /** Larger messages are refused at SIZE/DATA with a permanent error. */
  maxMessageBytes: z.number().int().positive().default(50 * 1024 * 1024),
  /** Language of refusals shown in the mail client: auto follows the PC's locale (ja on a Japanese PC). */
  language: z.enum(['auto', 'ja', 'en']).default('auto'),
  /** The name the relay gives in its greeting. */
  hostname: z.string().default('mamori-relay.localhost'),
}).strict();

export type MailSensorConfig = z.infer<typeof MailSensorConfigSchema>;
export type UpstreamConfig = z.infer<typeof UpstreamConfigSchema>;
