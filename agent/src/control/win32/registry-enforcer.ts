/**
 * Windows device enforcement.
 * OS interfaces: the registry policy keys Windows itself honours —
 *   HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR  Start (3 = driver loads, 4 = disabled) for a PC whose policy
 *     blocks every stick (no allow-list, no exception): the strongest block, nothing mounts at all;
 *   HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}
 *     Deny_Write (the "Removable Disks: Deny write access" Group Policy) for read_only;
 *   pnputil /disable-device|/enable-device <instance id> to refuse one device while others stay allowed;
 *   mountvol <X:> /p + fsutil volume dismount to drop a mounted volume at once so the policy applies.
 * Privileges: Administrator (LocalSystem as a service).
 * Known gaps: Deny_Write applies to all removable disks of the PC, not one stick (Windows has no per-device
 *   read-only policy); pnputil /disable-device needs Windows 10 2004 or later.
 */
import type { DeviceMode } from '@mamori/policies';
import type { MountInfo, UsbDeviceInfo } from '../../sensors/usb/common/types.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import type { DeviceEnforcer, EnforcementResult } from '../common/enforcer.ts';

export const USBSTOR_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR';
export const REMOVABLE_DISKS_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}';

type Command = [string, ...string[]];

/** USBSTOR Start: 4 when every USB stick is to be refused, 3 (the Windows default) otherwise. */
export function usbstorStartCommand(blockAll: boolean): Command {
  return ['reg.exe', 'add', USBSTOR_KEY, '/v', 'Start', '/t', 'REG_DWORD', '/d', blockAll ? '4' : '3', '/f'];
}

/** Removable Disks: Deny write access, on or off. */
export function denyWriteCommand(on: boolean): Command {
  return ['reg.exe', 'add', REMOVABLE_DISKS_POLICY_KEY, '/v', 'Deny_Write', '/t', 'REG_DWORD', '/d', on ? '1' : '0', '/f'];
}

/** The exact commands that make Windows obey `mode` for one device. */
export function deviceCommands(device: UsbDeviceInfo, mode: DeviceMode): Command[] {
  return [['pnputil.exe', mode === 'block' ? '/disable-device' : '/enable-device', device.busPath]];
}

/** The exact commands that make one mounted volume ("E:\") obey `mode`. */
export function mountCommands(mount: MountInfo, mode: DeviceMode): Command[] {
  const volume = mount.mountPoint.replace(/\\$/, '');
  if (mode === 'block') return [['mountvol.exe', volume, '/p']];
  // Windows applies Deny_Write when the volume is mounted again: dismount it; the next access remounts it.
  return [denyWriteCommand(mode === 'read_only'), ['fsutil.exe', 'volume', 'dismount', volume]];
}

export class RegistryDeviceEnforcer implements DeviceEnforcer {
  readonly mechanism = 'registry';
  readonly #run: CommandRunner;

  constructor(run: CommandRunner) {
    this.#run = run;
  }

  /** Sets the machine-wide USBSTOR switch (called when the policy changes: block-all vs anything else). */
  async applyBaseline(blockAll: boolean): Promise<EnforcementResult> {
    return this.#all([usbstorStartCommand(blockAll)]);
  }

  applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^USB\\VID_/i.test(device.busPath)) return Promise.resolve({ ok: false, detail: `not a Windows USB instance id: ${device.busPath}` });
    return this.#all(deviceCommands(device, mode));
  }

  applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^[A-Z]:\\?$/i.test(mount.mountPoint)) return Promise.resolve({ ok: false, detail: `not a drive letter: ${mount.mountPoint}` });
    return this.#all(mountCommands(mount, mode));
  }

  async #all(commands: Command[]): Promise<EnforcementResult> {
    for (const [program, ...args] of commands) {
      const result = await this.#run(program, args);
      if (result.code !== 0) return { ok: false, detail: `${program} ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.code}`}` };
    }
    return { ok: true, detail: commands.map((c) => c.join(' ')).join(' && ') };
  }
}
