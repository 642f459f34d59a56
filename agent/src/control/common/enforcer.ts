import type { DeviceMode } from '@mamori/policies';
import type { DiskActivity } from '../../platform/diskutil-activity.ts';
import type { MountInfo, UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';

export interface EnforcementResult {
  ok: boolean;
  /** What was done or why it failed, one line (recorded in the decision's event on failure). */
  detail: string;
}

/** Makes the OS obey a decision. One implementation per OS mechanism (USBGuard, sysfs, registry, diskutil). */
export interface DeviceEnforcer {
  /** Names the mechanism, e.g. "usbguard", "sysfs", "registry", "diskutil", "none". */
  readonly mechanism: string;
  /** Refuses (block) or admits (other modes) a device at the bus level, where the OS allows it. */
  applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult>;
  /** Makes one mounted filesystem comply: unmounted for block, remounted read-only for read_only. */
  applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult>;
  /**
   * Optional: hands the OS what it can enforce on its own before any device arrives (Windows device-installation
   * policy), so a stick the agent has not seen yet is refused by the OS itself. Called whenever it changes.
   */
  applyBaseline?(baseline: DeviceBaseline): Promise<EnforcementResult>;
  /**
   * Optional: sees every disk notification the source hears (macOS `diskutil activity`), so a refused volume that
   * something mounts again is undone at once instead of at the next decision.
   */
  guard?(activity: DiskActivity): Promise<void>;
}

/** What device policy lets the OS decide by itself, independent of who is logged in. */
export interface DeviceBaseline {
  /** The policy's mode refuses storage and no "any device" exception is live: the OS refuses sticks not listed. */
  denyStorage: boolean;
  /** Devices allowed (any mode but block) whoever is logged in, named exactly: vendor, product and serial. */
  allowed: { vendorId: string; productId: string; serial: string }[];
}

/** Records what it was asked to do and does nothing: for unit tests and for `audit`-only deployments. */
export class RecordingEnforcer implements DeviceEnforcer {
  readonly mechanism = 'none';
  readonly calls: { target: 'device' | 'mount'; id: string; mode: DeviceMode }[] = [];

  async applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    this.calls.push({ target: 'device', id: device.busPath, mode });
    return { ok: true, detail: `recorded ${mode}` };
  }

  async applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    this.calls.push({ target: 'mount', id: mount.mountPoint, mode });
    return { ok: true, detail: `recorded ${mode}` };
  }
}
