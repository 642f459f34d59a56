import { z } from 'zod';
import { PINNED_EXTENSION_ID } from './extension-id.ts';

/** Where Chrome, Edge (and Debian's Chromium) keep their browser executable, per OS (their default installs). */
const BROWSERS_BY_PLATFORM: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/lib/chromium/chromium', '/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
};
const DEFAULT_BROWSERS = BROWSERS_BY_PLATFORM[process.platform] ?? BROWSERS_BY_PLATFORM.linux!;

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
  /** Windows: the named pipe (\\.\pipe\<name>) the native host connects to. */
  pipeName: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).optional(),
  /**
   * The Unix socket the native messaging host connects to (default <stateDir>/browser.sock; the packages set
   * /run/mamori/browser.sock, the path their host wrapper names, in a folder every user can traverse).
   */
  socketPath: z.string().min(1).optional(),
  /** A native host is listened to only if one of these started it (its parent or grandparent). */
  browserExecutables: z.array(z.string().regex(/^(\/|[A-Za-z]:\\)/, 'must be an absolute path')).min(1).default(DEFAULT_BROWSERS),
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
