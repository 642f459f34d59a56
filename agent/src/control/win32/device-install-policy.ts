/**
 * Windows device-installation policy as data: which registry values make Windows itself refuse or admit USB
 * storage, and the reg.exe commands that write them. Pure; the enforcer runs the commands.
 *
 * Documented interfaces (Microsoft Learn):
 * - "Manage Device Installation with Group Policy" and "Policy CSP - DeviceInstallation": the policies under
 *   HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions —
 *   AllowDenyLayered = 1 ("Apply layered order of evaluation…", Windows 10 1809+): device instance IDs outrank
 *     device IDs, which outrank setup classes, which outrank "removable devices"; at one layer a deny wins.
 *   DenyDeviceIDs = 1 + list key DenyDeviceIDs ("1" = id …) + DenyDeviceIDsRetroactive = 1: refuse devices whose
 *     hardware or compatible ids match, and remove matching devices already installed.
 *   AllowInstanceIDs = 1 + list key AllowInstanceIDs: admit these exact devices (outranks the device-ID deny).
 *   DenyInstanceIDs = 1 + list key + DenyInstanceIDsRetroactive = 1: refuse (and remove) these exact devices.
 * - "Removable Disks: Deny write access": HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices\
 *   {53f5630d-b6bf-11d0-94f2-00a0c91efb8b} Deny_Write = 1 (applies when a volume is next mounted).
 * - "Standard USB identifiers" (USB\VID_v&PID_p, compatible id USB\Class_08 for every mass-storage function) and
 *   "Device instance IDs" (USB\VID_v&PID_p\<iSerialNumber> for a device with a serial).
 * - pnputil /scan-devices (Windows 10 2004+) makes Windows retry devices refused earlier once they are allowed.
 *
 * Why USB\Class_08 and not DenyRemovableDevices: "removable devices" covers keyboards and mice plugged in later;
 * USB\Class_08 is mass storage only (sticks, card readers, UAS disks, the storage function of a phone), and at
 * the device-ID layer an exact instance-ID allow still outranks it.
 * Why no AllowDeviceIDs (hardware id, e.g. USB\VID_0951&PID_1666) for vendor:product entries: Policy CSP,
 * AllowInstallationOfMatchingDeviceIDs, admits a device "unless another policy setting at the same or higher layer
 * in the hierarchy specifically prevents that installation", naming the device-ID deny, i.e. our USB\Class_08.
 * Such entries are admitted by exact instance id when the agent decides on the arrived (refused) device instead.
 */
import type { DeviceBaseline } from '../common/enforcer.ts';

export const RESTRICTIONS_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions';
export const REMOVABLE_DISKS_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}';
/** Older agents switched the USB storage driver off machine-wide; uninstall puts back Windows' default (3). */
export const USBSTOR_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR';
/** The compatible id every USB mass-storage function reports (bInterfaceClass 08). */
export const MASS_STORAGE_COMPATIBLE_ID = 'USB\\Class_08';

export type RegistryChange =
  | { op: 'set'; key: string; name: string; type: 'REG_DWORD' | 'REG_SZ'; data: string }
  | { op: 'delete-value'; key: string; name: string }
  | { op: 'delete-key'; key: string };

/** Registry changes, then commands, in order; `summary` is the one line an event records. */
export interface WindowsPlan {
  registry: RegistryChange[];
  commands: [string, ...string[]][];
  summary: string;
}

/** The id lists the agent keeps in the Restrictions key. */
export interface InstallLists {
  /** Refuse every USB mass-storage function unless allowed by instance id. */
  denyStorage: boolean;
  /** Exact device instance ids Windows may install (upper case). */
  allowInstanceIds: string[];
  /** Exact device instance ids Windows must refuse and remove (upper case). */
  denyInstanceIds: string[];
}

const dword = (key: string, name: string, on: boolean): RegistryChange => ({ op: 'set', key, name, type: 'REG_DWORD', data: on ? '1' : '0' });

/** "USB\VID_0781&PID_5581\4C530001231120115142": the instance id Windows gives a device with this serial. */
export function usbInstanceId(vendorId: string, productId: string, serial: string): string {
  return `USB\\VID_${vendorId.toUpperCase()}&PID_${productId.toUpperCase()}\\${serial.toUpperCase()}`;
}

/** The lists a baseline asks for (before any device-by-device decision). */
export function listsForBaseline(baseline: DeviceBaseline): InstallLists {
  return {
    denyStorage: baseline.denyStorage,
    allowInstanceIds: baseline.allowed.map((d) => usbInstanceId(d.vendorId, d.productId, d.serial)),
    denyInstanceIds: [],
  };
}

/** A policy with its list key: the switch value, the numbered list ("1", "2", …) rewritten whole, or both removed. */
function listPolicy(name: string, ids: string[], retroactive: boolean): RegistryChange[] {
  const listKey = `${RESTRICTIONS_KEY}\\${name}`;
  if (ids.length === 0) {
    return [
      { op: 'delete-value', key: RESTRICTIONS_KEY, name },
      ...(retroactive ? [{ op: 'delete-value', key: RESTRICTIONS_KEY, name: `${name}Retroactive` } as const] : []),
      { op: 'delete-key', key: listKey },
    ];
  }
  return [
    { op: 'delete-key', key: listKey },
    ...ids.map((id, index): RegistryChange => ({ op: 'set', key: listKey, name: String(index + 1), type: 'REG_SZ', data: id })),
    dword(RESTRICTIONS_KEY, name, true),
    ...(retroactive ? [dword(RESTRICTIONS_KEY, `${name}Retroactive`, true)] : []),
  ];
}

/**
 * The Restrictions key for these lists. Allow lists are written before deny lists so that, while the plan runs,
 * an allowed stick is never caught by a retroactive deny; `pnputil /scan-devices` runs last when anything is
 * admitted, so devices refused earlier install now.
 */
export function installListsPlan(lists: InstallLists): WindowsPlan {
  const allow = [...new Set(lists.allowInstanceIds.map((id) => id.toUpperCase()))].sort();
  const deny = [...new Set(lists.denyInstanceIds.map((id) => id.toUpperCase()))].filter((id) => !allow.includes(id)).sort();
  const registry: RegistryChange[] = [
    dword(RESTRICTIONS_KEY, 'AllowDenyLayered', true),
    ...listPolicy('AllowInstanceIDs', allow, false),
    ...listPolicy('DenyInstanceIDs', deny, true),
    ...listPolicy('DenyDeviceIDs', lists.denyStorage ? [MASS_STORAGE_COMPATIBLE_ID] : [], true),
  ];
  const admits = allow.length > 0 || !lists.denyStorage;
  const parts = [
    lists.denyStorage ? `Windows refuses USB storage (${MASS_STORAGE_COMPATIBLE_ID}, also already installed)` : 'Windows admits USB storage',
    allow.length ? `except ${allow.length} allowed device(s): ${allow.join(', ')}` : '',
    deny.length ? `refuses ${deny.join(', ')}` : '',
  ].filter(Boolean);
  return { registry, commands: admits ? [['pnputil.exe', '/scan-devices']] : [], summary: parts.join('; ') };
}

/** Removable Disks: Deny write access on (read_only) or back to not configured. */
export function readOnlyPlan(on: boolean, driveLetter?: string): WindowsPlan {
  const volume = driveLetter?.replace(/\\$/, '');
  return {
    registry: [on ? dword(REMOVABLE_DISKS_POLICY_KEY, 'Deny_Write', true) : { op: 'delete-value', key: REMOVABLE_DISKS_POLICY_KEY, name: 'Deny_Write' }],
    // Windows applies Deny_Write when a volume is mounted: dismount it, the next access mounts it again.
    commands: volume ? [['fsutil.exe', 'volume', 'dismount', volume]] : [],
    summary: on ? `removable disks are read-only (Deny_Write = 1)${volume ? `; ${volume} dismounted to apply it` : ''}` : 'removable disks writable again (Deny_Write removed)',
  };
}

/** Drops a mounted volume of a refused stick at once (the retroactive deny then removes the device). */
export function unmountPlan(driveLetter: string): WindowsPlan {
  const volume = driveLetter.replace(/\\$/, '');
  return { registry: [], commands: [['mountvol.exe', volume, '/p']], summary: `${volume} dismounted and its mount point removed` };
}

/** Everything the agent ever writes, removed; USBSTOR back to Windows' default; refused devices retried. */
export function uninstallPlan(): WindowsPlan {
  return {
    registry: [
      ...listPolicy('AllowInstanceIDs', [], false),
      ...listPolicy('DenyInstanceIDs', [], true),
      ...listPolicy('DenyDeviceIDs', [], true),
      { op: 'delete-value', key: RESTRICTIONS_KEY, name: 'AllowDenyLayered' },
      { op: 'delete-value', key: REMOVABLE_DISKS_POLICY_KEY, name: 'Deny_Write' },
      { op: 'set', key: USBSTOR_KEY, name: 'Start', type: 'REG_DWORD', data: '3' },
    ],
    commands: [['pnputil.exe', '/scan-devices']],
    summary: 'device-installation restrictions and Deny_Write removed, USBSTOR driver back to on demand, devices rescanned',
  };
}

/** One registry change as a reg.exe command line. */
export function regCommand(change: RegistryChange): [string, ...string[]] {
  switch (change.op) {
    case 'set': return ['reg.exe', 'add', change.key, '/v', change.name, '/t', change.type, '/d', change.data, '/f'];
    case 'delete-value': return ['reg.exe', 'delete', change.key, '/v', change.name, '/f'];
    case 'delete-key': return ['reg.exe', 'delete', change.key, '/f'];
  }
}

/** Every command of a plan, in order. */
export function planCommands(plan: WindowsPlan): [string, ...string[]][] {
  return [...plan.registry.map(regCommand), ...plan.commands];
}

/**
 * Deletions are best effort: reg.exe fails the same way (exit 1, a localized message) for "not there" as for
 * "denied", and absent is the goal. A real permission problem fails the plan's first write, which runs before.
 */
export function isBestEffort(command: readonly string[]): boolean {
  return command[0] === 'reg.exe' && command[1] === 'delete';
}

/** A PowerShell script running the plan with reg.exe (the MSI's uninstall step is this, for uninstallPlan()). */
export function planAsPowerShell(plan: WindowsPlan): string {
  const quote = (arg: string) => `'${arg.replace(/'/g, "''")}'`;
  return planCommands(plan).map(([program, ...args]) => `& ${program} ${args.map(quote).join(' ')} 2>$null | Out-Null`).join('\r\n');
}
