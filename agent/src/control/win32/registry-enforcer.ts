/**
 * Windows device enforcement.
 * OS interfaces: Windows' own device-installation policy (see device-install-policy.ts for the keys and the
 *   Microsoft documentation they follow), so Windows refuses a stick even before the agent has seen it:
 *   - baseline (applyBaseline): refuse every USB mass-storage function (USB\Class_08, retroactive) when the policy
 *     blocks by default; admit by exact instance id the sticks the policy names by vendor + product + serial;
 *   - per device (applyDevice): a stick the agent decided to allow (vendor:product entries, entries bound to a
 *     user, serial exceptions) joins AllowInstanceIDs and Windows rescans; one it decided to block joins
 *     DenyInstanceIDs (retroactive: Windows removes it);
 *   - read_only: "Removable Disks: Deny write access" (Deny_Write), then the volume is dismounted so it remounts
 *     under the policy; block on a mounted volume: mountvol /p at once.
 *   Every result's detail says what was changed; uninstallPlan() reverts all of it (the MSI runs it on removal).
 * Privileges: Administrator (the service runs as LocalSystem).
 * Known gaps: Deny_Write is per PC, not per stick (Windows has no per-device read-only policy); a domain GPO
 *   configuring the same Restrictions values overwrites ours at its next refresh; the per-device lists live in
 *   the agent's memory and are rebuilt from the baseline when it restarts, so a stick admitted by a decision
 *   (say, a serial exception) stays in AllowInstanceIDs after the exception ends until the agent decides on it
 *   again (its next arrival) or restarts — were the agent stopped in between, Windows would still admit it;
 *   AllowDenyLayered needs Windows 10 1809+, pnputil /scan-devices 2004+. Never run on Windows here: the plans
 *   are tested as data.
 */
import type { DeviceMode } from '@mamori/policies';
import type { MountInfo, UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import type { DeviceBaseline, DeviceEnforcer, EnforcementResult } from '../common/enforcer.ts';
import {
  installListsPlan, isBestEffort, listsForBaseline, planCommands, readOnlyPlan, unmountPlan, type InstallLists, type WindowsPlan,
} from './device-install-policy.ts';

export class RegistryDeviceEnforcer implements DeviceEnforcer {
  readonly mechanism = 'device-installation-policy';
  readonly #run: CommandRunner;
  #lists: InstallLists = { denyStorage: false, allowInstanceIds: [], denyInstanceIds: [] };
  /** Allowed/refused by a decision on this device (not by the baseline): kept across baseline changes. */
  readonly #decided = new Map<string, 'allow' | 'deny'>();
  #baselineAllowed: string[] = [];

  constructor(run: CommandRunner) {
    this.#run = run;
  }

  /** The id lists as they were last written (tests and status). */
  get lists(): InstallLists {
    return structuredClone(this.#lists);
  }

  applyBaseline(baseline: DeviceBaseline): Promise<EnforcementResult> {
    const lists = listsForBaseline(baseline);
    this.#baselineAllowed = lists.allowInstanceIds;
    return this.#writeLists(lists.denyStorage);
  }

  applyDevice(device: UsbDeviceInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}\\/i.test(device.busPath)) {
      return Promise.resolve({ ok: false, detail: `not a Windows USB instance id: ${device.busPath}` });
    }
    this.#decided.set(device.busPath.toUpperCase(), mode === 'block' ? 'deny' : 'allow');
    return this.#writeLists(this.#lists.denyStorage);
  }

  applyMount(mount: MountInfo, mode: DeviceMode): Promise<EnforcementResult> {
    if (!/^[A-Z]:\\?$/i.test(mount.mountPoint)) return Promise.resolve({ ok: false, detail: `not a drive letter: ${mount.mountPoint}` });
    if (mode === 'block') return this.#execute(unmountPlan(mount.mountPoint));
    return this.#execute(readOnlyPlan(mode === 'read_only', mount.mountPoint));
  }

  #writeLists(denyStorage: boolean): Promise<EnforcementResult> {
    const decided = [...this.#decided];
    const lists: InstallLists = {
      denyStorage,
      allowInstanceIds: [...this.#baselineAllowed, ...decided.filter(([, d]) => d === 'allow').map(([id]) => id)],
      denyInstanceIds: decided.filter(([, d]) => d === 'deny').map(([id]) => id),
    };
    const plan = installListsPlan(lists);
    return this.#execute(plan).then((result) => {
      if (result.ok) this.#lists = lists;
      return result;
    });
  }

  async #execute(plan: WindowsPlan): Promise<EnforcementResult> {
    for (const command of planCommands(plan)) {
      const [program, ...args] = command;
      const result = await this.#run(program, args);
      if (result.code === 0) continue;
      if (isBestEffort(command)) continue;
      return { ok: false, detail: `${command.join(' ')}: ${result.stderr.trim() || `exit ${result.code}`}` };
    }
    return { ok: true, detail: plan.summary };
  }
}
