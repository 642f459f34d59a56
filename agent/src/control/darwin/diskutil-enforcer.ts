/**
 * macOS device enforcement.
 * OS interfaces: diskutil(8) — `unmountDisk force /dev/diskN` drops every volume of a refused stick,
 *   `unmount` + `mount readOnly` remounts a volume read-only, `info -plist` tells whether a volume is writable.
 *   Mount guard: the agent keeps `diskutil activity` running (diskutil-activity-source.ts); each time a volume
 *   of a refused stick appears mounted (Finder, Disk Utility, `diskutil mount`, re-plugging), `guard()`
 *   unmounts it again at once, and a read-only stick's volume remounted writable is made read-only again.
 * Privileges: root (the agent runs as a LaunchDaemon).
 * What this is not: a veto. The volume is mounted for the moments between DiskArbitration's notification and
 *   the unmount. A real veto is a DiskArbitration mount-approval callback (DARegisterDiskMountApprovalCallback)
 *   in a small signed helper process, which refuses the mount before it happens — not built here (it needs a
 *   native, signed binary); or, on managed Macs, the MDM restriction payload com.apple.systemuiserver
 *   "mount-controls" (harddisk-external: deny / read-only), which the admin's MDM applies, not the agent.
 *   No OS state outlives the agent: nothing to revert on uninstall (volumes mount normally once it is gone).
 * Known gaps: a blocked stick stays attached (macOS has no supported per-device USB authorization for a daemon);
 *   an allowed-again stick is remounted by the user or by re-plugging it.
 */
import type { DeviceMode } from '@mamori/policies';
import { wholeDisk, type DiskActivity } from '../../platform/diskutil-activity.ts';
import type { MountInfo, UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';
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

/** What the guard does about one notification, given the whole disks refused and those kept read-only. */
export function guardPlan(activity: DiskActivity, blocked: ReadonlySet<string>, readOnly: ReadonlySet<string>): { action: 'unmount' | 'check-read-only' | 'none'; commands: Command[] } {
  const mountedNow = activity.volumePath !== '' && (activity.event === 'DiskAppeared' || activity.event === 'DiskDescriptionChanged');
  if (!mountedNow || !/^disk\d+s\d+$/.test(activity.bsdName)) return { action: 'none', commands: [] };
  const disk = wholeDisk(activity.bsdName);
  if (blocked.has(disk)) return { action: 'unmount', commands: [['diskutil', 'unmount', 'force', `/dev/${activity.bsdName}`]] };
  if (readOnly.has(disk)) return { action: 'check-read-only', commands: [['diskutil', 'info', '-plist', `/dev/${activity.bsdName}`]] };
  return { action: 'none', commands: [] };
}

/** `<key>WritableVolume</key><true/>` in `diskutil info -plist`. */
export function isWritableVolume(plist: string): boolean {
  return /<key>WritableVolume<\/key>\s*<true\s*\/>/.test(plist);
}

export class DiskutilEnforcer implements DeviceEnforcer {
  readonly mechanism = 'diskutil';
  readonly #run: CommandRunner;
  readonly #blocked = new Set<string>();
  readonly #readOnly = new Set<string>();
  /** What the guard did, newest last (status and tests). */
  readonly guarded: string[] = [];

  constructor(run: CommandRunner) {
    this.#run = run;
  }

  applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (/^disk\d+$/.test(device.busPath)) {
      if (mode === 'block') this.#blocked.add(device.busPath);
      else this.#blocked.delete(device.busPath);
      if (mode === 'read_only') this.#readOnly.add(device.busPath);
      else this.#readOnly.delete(device.busPath);
    }
    return this.#all(diskutilDeviceCommands(device, mode));
  }

  applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^\/dev\/disk\d+s\d+$/.test(mount.blockDevice)) return Promise.resolve({ ok: false, detail: `not a BSD volume: ${mount.blockDevice}` });
    const disk = wholeDisk(mount.blockDevice.slice('/dev/'.length));
    if (mode === 'block') this.#blocked.add(disk);
    if (mode === 'read_only') this.#readOnly.add(disk);
    return this.#all(diskutilMountCommands(mount, mode));
  }

  /** Keeps refused sticks unmounted and read-only ones read-only, whatever mounts them (see header). */
  async guard(activity: DiskActivity): Promise<void> {
    const plan = guardPlan(activity, this.#blocked, this.#readOnly);
    if (plan.action === 'none') return;
    const volume = `/dev/${activity.bsdName}`;
    if (plan.action === 'unmount') {
      const result = await this.#all(plan.commands);
      this.guarded.push(`${volume} mounted at ${activity.volumePath} again: ${result.ok ? 'unmounted' : result.detail}`);
      return;
    }
    const info = await this.#run('diskutil', ['info', '-plist', volume]);
    // Our own read-only remount also notifies: a volume already read-only is left alone, so this cannot loop.
    if (info.code !== 0 || !isWritableVolume(info.stdout)) return;
    const result = await this.#all([['diskutil', 'unmount', volume], ['diskutil', 'mount', 'readOnly', volume]]);
    this.guarded.push(`${volume} mounted writable at ${activity.volumePath}: ${result.ok ? 'remounted read-only' : result.detail}`);
  }

  async #all(commands: Command[]): Promise<EnforcementResult> {
    for (const [program, ...args] of commands) {
      const result = await this.#run(program, args);
      if (result.code !== 0) return { ok: false, detail: `${program} ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.code}`}` };
    }
    return { ok: true, detail: commands.length ? commands.map((c) => c.join(' ')).join(' && ') : 'nothing to do on macOS' };
  }
}
