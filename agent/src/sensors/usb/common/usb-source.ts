import type { SensorStatus } from '../../common/sensor.ts';
import type { UsbObservation } from '../../../core/removable-media/usb-device.ts';

/**
 * One OS mechanism that sees USB devices come and go and removable filesystems mount and unmount (sysfs +
 * mountinfo on Linux, WMI on Windows, diskutil on macOS). It only observes; deciding and enforcing is portable.
 */
export interface UsbSource {
  /** Names the mechanism in status lines, e.g. "sysfs+mountinfo". */
  readonly mechanism: string;
  /**
   * Reports what is already attached/mounted, then every change, until `signal` aborts. Resolves with the status
   * once the first scan is done; never rejects for OS trouble (it reports degraded/unsupported instead).
   */
  start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus>;
  /** The source's status now. */
  status(): SensorStatus;
  /** Rescans immediately (called after enforcement so results are seen without waiting for the next poll). */
  rescan(): Promise<void>;
}
