import { z } from 'zod';

/**
 * `sensors.usb` in the agent config. OS paths are settings so tests can point them at a fake tree. `enforcement`,
 * `sysRoot` and `unlockLedgerPath` are device control's too: main.ts hands them to control/create-device-control.ts.
 */
export const UsbSensorConfigSchema = z.object({
  /** sysfs root (Linux). */
  sysRoot: z.string().min(1).default('/sys'),
  /** Mount table (Linux); polled because inotify never fires on it. */
  mountInfoPath: z.string().min(1).default('/proc/self/mountinfo'),
  /** /dev root, for /dev/disk/by-label (Linux). */
  devRoot: z.string().min(1).default('/dev'),
  pollMs: z.number().int().min(20).max(10_000).default(200),
  /** node-usb hotplug to rescan at once on attach (Linux); off in tests with a fake tree. */
  hotplug: z.boolean().default(true),
  /** Linux enforcement: USBGuard when installed ("auto"), or always sysfs ("sysfs"); "off" decides and logs only (any OS). */
  enforcement: z.enum(['auto', 'sysfs', 'off']).default('auto'),
  /** Where used unlock-code nonces and local exceptions are kept; default <stateDir>/unlock-ledger.json. */
  unlockLedgerPath: z.string().min(1).optional(),
}).strict().prefault({});

export type UsbSensorConfig = z.infer<typeof UsbSensorConfigSchema>;
