import type { DeviceMode } from '@mamori/policies';
import type { MountInfo, UsbDeviceInfo } from '../../sensors/usb/common/types.ts';

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
  /** Optional machine-wide switch: `blockAll` when no device at all may be used (Windows USBSTOR Start). */
  applyBaseline?(blockAll: boolean): Promise<EnforcementResult>;
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
