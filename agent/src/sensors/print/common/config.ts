import { z } from 'zod';

/** `sensors.print` in the agent configuration. Addresses are parameters so tests can point at their own CUPS. */
export const PrintSensorConfigSchema = z.object({
  enabled: z.boolean().default(true),
  cups: z.object({
    /**
     * cupsd's local socket. Root is authenticated over it by peer credentials, so CUPS shows every user's job
     * names; over TCP it would hide them as "(hidden)". Used unless `url` is set.
     */
    socketPath: z.string().min(1).default('/run/cups/cups.sock'),
    /** http://host:port of a CUPS server instead of the socket (job names of others may be hidden). */
    url: z.string().url().optional(),
    /** How often to ask CUPS for jobs when nothing is in the queue. */
    idlePollMs: z.number().int().min(50).default(1000),
    /** How often while jobs are pending or processing, to stop over-limit jobs before they are out. */
    activePollMs: z.number().int().min(10).default(50),
    /** One IPP request's time limit; a hung cupsd becomes a degraded status, not a hung sensor. */
    requestTimeoutMs: z.number().int().min(100).default(3000),
    /** Wait between attempts while CUPS is unreachable. */
    retryMs: z.number().int().min(50).default(2000),
  }).strict().default({
    socketPath: '/run/cups/cups.sock', idlePollMs: 1000, activePollMs: 50, requestTimeoutMs: 3000, retryMs: 2000,
  }),
  windows: z.object({
    /** How often to read new PrintService/Operational records while the print host (the subscription) is down. */
    pollMs: z.number().int().min(100).default(2000),
  }).strict().default({ pollMs: 2000 }),
}).strict();

export type PrintSensorConfig = z.infer<typeof PrintSensorConfigSchema>;
