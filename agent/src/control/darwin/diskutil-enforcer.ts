/**
 * macOS device enforcement.
 * OS interfaces: diskutil(8) — `unmountDisk force /dev/diskN` to drop every volume of a refused stick,
 *   `unmount` + `mount readOnly` for read_only.
 * Privileges: root (the agent runs as a LaunchDaemon).
 * Known gaps: macOS has no supported per-device USB authorization for a daemon, so a blocked stick stays
 *   attached (its volumes are unmounted each time they appear); an allowed-again stick is remounted by the user
 *   or by re-plugging it.
 */
import type { DeviceMode } from '@mamori/policies';
import type { MountInfo, UsbDeviceInfo } from '../../sensors/usb/common/types.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import type { DeviceEnforcer, EnforcementResult } from '../common/enforcer.ts';

type Command = [string, ...string[]];

export function diskutilDeviceCommands(device: UsbDeviceInfo, mode: DeviceMode): Command[] {
  return mode === 'block' && /^disk\d+$/.test(device.busPath) ? [['diskutil', 'unmountDisk', 'force', `/dev/${device.busPath}`]] : [];
}

export function diskutilMountCommands(mount: MountInfo, mode: DeviceMode): Command[] {
  if (mode === 'block') return [['diskutil', 'unmount', 'force', mount.blockDevice]];
  return [['diskutil', 'unmount', mount.blockDevice], mode === 'read_only'
    ? ['diskutil', 'mount', 'readOnly', mount.blockDevice]
    : ['diskutil', 'mount', mount.blockDevice]];
}

export class DiskutilEnforcer implements DeviceEnforcer {
  readonly mechanism = 'diskutil';
  readonly #run: CommandRunner;

  constructor(run: CommandRunner) {
    this.#run = run;
  }

  applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    return this.#all(diskutilDeviceCommands(device, mode));
  }

  applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^\/dev\/disk\d+s\d+$/.test(mount.blockDevice)) return Promise.resolve({ ok: false, detail: `not a BSD volume: ${mount.blockDevice}` });
    return this.#all(diskutilMountCommands(mount, mode));
  }

  async #all(commands: Command[]): Promise<EnforcementResult> {
    for (const [program, ...args] of commands) {
      const result = await this.#run(program, args);
      if (result.code !== 0) return { ok: false, detail: `${program} ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.code}`}` };
    }
    return { ok: true, detail: commands.length ? commands.map((c) => c.join(' ')).join(' && ') : 'nothing to do on macOS' };
  }
}
