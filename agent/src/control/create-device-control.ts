import { join } from 'node:path';
import type { Emit } from '../core/event-draft.ts';
import type { PolicyHolder } from '../core/policy-holder.ts';
import type { MountHub } from '../core/removable-media/mount-hub.ts';
import { DeviceControl } from './common/device-control.ts';
import { RecordingEnforcer, type DeviceEnforcer } from './common/enforcer.ts';
import { LoggedExceptions } from './common/logged-exceptions.ts';
import { UnlockLedger } from './common/unlock-ledger.ts';

/** The settings device control takes from `sensors.usb` (the agent config keeps them where they always were). */
export interface DeviceControlSettings {
  /** Linux sysfs root, where the sysfs enforcer writes `authorized`. */
  sysRoot: string;
  /** auto: the OS's best mechanism (USBGuard when installed on Linux); sysfs: always sysfs; off: decide and record only. */
  enforcement: 'auto' | 'sysfs' | 'off';
  /** Used unlock-code nonces and local exceptions; default <stateDir>/unlock-ledger.json. */
  unlockLedgerPath?: string;
}

export interface DeviceControlSetup {
  /** The agent's policy holder: decisions follow it (and the exceptions it carries) as it changes. */
  policy: PolicyHolder;
  /** The agent's journal (main's emit): every decision is journaled before it is enforced. */
  emit: Emit;
  /** The logged-in user now (allow-list entries may name users). */
  user: () => string;
  /** Where allowed mounts are published for the file-copy sensor. */
  mounts: MountHub;
  /** Where the unlock ledger and the journaled-exceptions record are kept. */
  stateDir: string;
  settings: DeviceControlSettings;
  /** Replaces the OS's enforcer (tests); `settings.enforcement: off` still wins. */
  enforcer?: DeviceEnforcer;
}

/**
 * Builds the agent's device control with this OS's enforcer: USBGuard or sysfs on Linux, Windows'
 * device-installation policy on Windows, diskutil on macOS. Enforcers load with dynamic import() so a Windows-only
 * module never loads on Linux. Undefined on an OS with no enforcer (the usb sensor says "not supported" there).
 */
export async function createDeviceControl(setup: DeviceControlSetup): Promise<DeviceControl | undefined> {
  const { settings } = setup;
  let enforcer = setup.enforcer ?? await osEnforcer(settings);
  if (!enforcer) return undefined;
  // enforcement "off": decisions are still made and journaled, nothing is enforced (pilot deployments).
  if (settings.enforcement === 'off') enforcer = new RecordingEnforcer();
  return new DeviceControl({
    policy: setup.policy, enforcer, emit: setup.emit, user: setup.user, mounts: setup.mounts,
    ledger: new UnlockLedger(settings.unlockLedgerPath ?? join(setup.stateDir, 'unlock-ledger.json')),
    logged: new LoggedExceptions(join(setup.stateDir, 'exceptions-logged.json')),
  });
}

async function osEnforcer(settings: DeviceControlSettings): Promise<DeviceEnforcer | undefined> {
  if (process.platform === 'linux') {
    const { LinuxDeviceEnforcer } = await import('./linux/linux-enforcer.ts');
    return new LinuxDeviceEnforcer({ sysRoot: settings.sysRoot, prefer: settings.enforcement === 'sysfs' ? 'sysfs' : 'auto' });
  }
  if (process.platform === 'win32') {
    const [{ RegistryDeviceEnforcer }, { execCommand }] = await Promise.all([import('./win32/registry-enforcer.ts'), import('./node/exec-command.ts')]);
    return new RegistryDeviceEnforcer(execCommand);
  }
  if (process.platform === 'darwin') {
    const [{ DiskutilEnforcer }, { execCommand }] = await Promise.all([import('./darwin/diskutil-enforcer.ts'), import('./node/exec-command.ts')]);
    return new DiskutilEnforcer(execCommand);
  }
  return undefined;
}
