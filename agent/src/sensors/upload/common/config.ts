import { z } from 'zod';
import { PINNED_EXTENSION_ID } from './extension-id.ts';

/** Where Debian's Chromium, Google Chrome and Microsoft Edge keep their browser executable on Linux. */
const DEFAULT_BROWSERS = ['/usr/lib/chromium/chromium', '/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge'];

/** `sensors.upload` in the agent config. */
export const UploadSensorConfigSchema = z.object({
  /** Extension ids whose Origin the agent accepts (the pinned one; add a store build's id if it differs). */
  extensionIds: z.array(z.string().regex(/^[a-p]{32}$/, 'an extension id is 32 letters a-p')).min(1).default([PINNED_EXTENSION_ID]),
  /** A profile whose extension has not sent a heartbeat for this long is reported as not alive. */
  heartbeatStaleMs: z.number().int().min(1000).default(120_000),
  /** Files larger than this are recorded with their size but not hashed. */
  maxHashBytes: z.number().int().positive().default(8 * 1024 ** 3),
  /** Upload reports per browser profile: burst, then per second. */
  reportBurst: z.number().int().positive().default(200),
  reportsPerSecond: z.number().positive().default(10),
  /** Pairing is cheap to ask for and each one holds memory: tightly limited for everyone together. */
  pairBurst: z.number().int().positive().default(20),
  pairsPerSecond: z.number().positive().default(0.5),
  /** Browser profiles tracked at once (each pairing is one). */
  maxProfiles: z.number().int().positive().default(500),
  /** Where known profiles are remembered across agent restarts (default: <stateDir>/upload-extension-profiles.json). */
  profilesFile: z.string().optional(),
  /**
   * The Unix socket the native messaging host connects to (default <stateDir>/browser.sock; the packages set
   * /run/mamori/browser.sock, the path their host wrapper names, in a folder every user can traverse).
   */
  socketPath: z.string().min(1).optional(),
  /** A native host is listened to only if one of these started it (its parent or grandparent). */
  browserExecutables: z.array(z.string().startsWith('/')).min(1).default(DEFAULT_BROWSERS),
  /**
   * Also accept reports on the loopback HTTP endpoint (Origin + pairing token). Off: any local process can reach
   * a loopback port, so only the native channel proves a report came from the browser.
   */
  loopback: z.boolean().default(false),
}).strict().default({
  extensionIds: [PINNED_EXTENSION_ID], heartbeatStaleMs: 120_000, maxHashBytes: 8 * 1024 ** 3, reportBurst: 200,
  reportsPerSecond: 10, pairBurst: 20, pairsPerSecond: 0.5, maxProfiles: 500, 
  browserExecutables: DEFAULT_BROWSERS, loopback: false,
});

export type UploadSensorConfig = z.infer<typeof UploadSensorConfigSchema>;
