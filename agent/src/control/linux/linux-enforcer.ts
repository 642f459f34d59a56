/**
 * Linux device enforcement.
 * OS interfaces: USBGuard (`usbguard list-devices|block-device|allow-device`, the standard USB authorization
 *   daemon) when installed and running; otherwise sysfs `<sys>/bus/usb/devices/<port>/authorized` (0 = the
 *   kernel unbinds the device's drivers). Mounts: umount(8), `mount -o remount,ro|rw`.
 * Privileges: root (writing `authorized`, talking to usbguard's IPC, unmounting).
 * Known gaps: read_only is a remount, so a root user on the PC could remount read-write (recorded if the
 *   mount is seen again); USBGuard's own permanent rules are not rewritten (runtime decisions only); a lazily
 *   unmounted filesystem with open files is detached from the tree at once but flushed when they close.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceMode } from '@mamori/policies';
import type { MountInfo, UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import { execCommand } from '../node/exec-command.ts';
import type { DeviceEnforcer, EnforcementResult } from '../common/enforcer.ts';
import { parseUsbguardDevices } from './usbguard.ts';
import { monotonicMs } from '../../core/monotonic.ts';

export interface LinuxEnforcerOptions {
  sysRoot?: string;
  run?: CommandRunner;
  /** "auto": USBGuard when it answers, else sysfs; "sysfs": never USBGuard. */
  prefer?: 'auto' | 'sysfs';
}

export class LinuxDeviceEnforcer implements DeviceEnforcer {
  readonly #sysRoot: string;
  readonly #run: CommandRunner;
  readonly #prefer: 'auto' | 'sysfs';
  #usbguard: { available: boolean; checkedMs: number } | undefined;

  constructor(options: LinuxEnforcerOptions = {}) {
    this.#sysRoot = options.sysRoot ?? '/sys';
    this.#run = options.run ?? execCommand;
    this.#prefer = options.prefer ?? 'auto';
  }

  get mechanism(): string {
    return this.#usbguard?.available ? 'usbguard' : 'sysfs';
  }

  /** Checks (at most once a minute) whether USBGuard's daemon answers. */
  async detect(): Promise<string> {
    if (this.#prefer === 'sysfs') return 'sysfs';
    const now = monotonicMs();
    if (!this.#usbguard || now - this.#usbguard.checkedMs > 60_000) {
      const result = await this.#run('usbguard', ['list-devices']);
      this.#usbguard = { available: result.code === 0, checkedMs: now };
    }
    return this.mechanism;
  }

  async applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    const authorize = mode !== 'block';
    if (await this.detect() === 'usbguard') {
      const listed = await this.#run('usbguard', ['list-devices']);
      const match = parseUsbguardDevices(listed.stdout).find((d) => d.viaPort === device.busPath
        && d.vendorProduct === `${device.vendorId}:${device.productId}`);
      if (match) {
        const verb = authorize ? 'allow-device' : 'block-device';
        if (match.target === (authorize ? 'allow' : 'block')) return { ok: true, detail: `usbguard: ${match.id} already ${match.target}` };
        const result = await this.#run('usbguard', [verb, match.id]);
        return result.code === 0
          ? { ok: true, detail: `usbguard ${verb} ${match.id}` }
          : { ok: false, detail: `usbguard ${verb} ${match.id}: ${result.stderr.trim() || `exit ${result.code}`}` };
      }
      // Not (yet) known to USBGuard: fall back to sysfs rather than leave the device usable.
    }
    if (!/^\d+-\d+(\.\d+)*$/.test(device.busPath)) return { ok: false, detail: `not a sysfs USB port: ${device.busPath}` };
    const file = join(this.#sysRoot, 'bus/usb/devices', device.busPath, 'authorized');
    try {
      await writeFile(file, authorize ? '1' : '0');
      return { ok: true, detail: `sysfs ${file} = ${authorize ? 1 : 0}` };
    } catch (error) {
      return { ok: false, detail: `sysfs ${file}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (mode === 'block') {
      const plain = await this.#run('umount', [mount.mountPoint]);
      if (plain.code === 0) return { ok: true, detail: `unmounted ${mount.mountPoint}` };
      // Busy (a file open on the stick): detach it from the tree now; nothing new can be written through it.
      const lazy = await this.#run('umount', ['-l', mount.mountPoint]);
      return lazy.code === 0
        ? { ok: true, detail: `lazily unmounted ${mount.mountPoint} (busy: ${plain.stderr.trim()})` }
        : { ok: false, detail: `umount ${mount.mountPoint}: ${lazy.stderr.trim() || plain.stderr.trim()}` };
    }
    const option = mode === 'read_only' ? 'remount,ro' : 'remount,rw';
    const result = await this.#run('mount', ['-o', option, mount.mountPoint]);
    return result.code === 0
      ? { ok: true, detail: `${option} ${mount.mountPoint}` }
      : { ok: false, detail: `mount -o ${option} ${mount.mountPoint}: ${result.stderr.trim() || `exit ${result.code}`}` };
  }
}
