/**
 * Windows USB snapshot: what is attached and mounted now, for start-up and reconciliation (live changes come
 * from wmi-event-host.ts, which asks for a snapshot on each device or volume event).
 * OS interfaces: WMI/CIM through PowerShell — Win32_PnPEntity for USB devices (PNPDeviceID, compatible ids),
 *   Win32_DiskDrive → Win32_DiskPartition → Win32_LogicalDisk for volumes, and each USB disk's parent device from
 *   the PnP property DEVPKEY_Device_Parent (Get-PnpDeviceProperty). The parent ties a disk to its USB device even
 *   where Win32_DiskDrive.SerialNumber (read from the storage device) differs from the USB iSerialNumber in the
 *   instance id, as it does behind USB-SATA bridges and on many sticks.
 * Output: one UTF-8 JSON document (powershell.ts says why UTF-8 is forced).
 * Privileges: none (a standard user can read these classes); enforcement needs Administrator.
 * Known gaps: devices without an iSerialNumber get a Windows-made instance id, reported as no serial; MTP phones
 *   are not volumes.
 */
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { MountInfo, UsbDeviceInfo } from '../../../core/removable-media/usb-device.ts';
import { assertDecodedCleanly, powershellArgs } from '../../../platform/powershell.ts';

/** The one PowerShell query behind a snapshot; its output format is what the fixtures record. */
export const WMI_SNAPSHOT_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$usb = @(Get-CimInstance Win32_PnPEntity -Filter \"PNPDeviceID LIKE 'USB\\\\VID_%'\" | Select-Object PNPDeviceID, Name, Manufacturer, Service, CompatibleID)",
  // UAS disks (USB Attached SCSI) report InterfaceType SCSI: a disk is on USB when its PnP parent is a USB device.
  "$disks = @(Get-CimInstance Win32_DiskDrive -Filter \"InterfaceType = 'USB' OR InterfaceType = 'SCSI'\" | ForEach-Object {",
  '  $disk = $_',
  "  $parent = (Get-PnpDeviceProperty -InstanceId $disk.PNPDeviceID -KeyName 'DEVPKEY_Device_Parent' -ErrorAction SilentlyContinue).Data",
  "  if ($disk.InterfaceType -ne 'USB' -and -not (\"$parent\" -like 'USB\\*')) { return }",
  '  $volumes = @(Get-CimAssociatedInstance -InputObject $disk -ResultClassName Win32_DiskPartition | ForEach-Object {',
  '    Get-CimAssociatedInstance -InputObject $_ -ResultClassName Win32_LogicalDisk } | Select-Object DeviceID, FileSystem, Size, VolumeName, Access, DriveType)',
  '  [pscustomobject]@{ DeviceID = $disk.DeviceID; PNPDeviceID = $disk.PNPDeviceID; Parent = $parent; Model = $disk.Model; SerialNumber = $disk.SerialNumber; Size = $disk.Size; Volumes = $volumes }',
  '})',
  '[pscustomobject]@{ usb = $usb; disks = $disks } | ConvertTo-Json -Depth 5 -Compress',
].join('\n');

interface WmiPnpEntity { PNPDeviceID?: string; Name?: string; Manufacturer?: string; Service?: string; CompatibleID?: string[] | string | null }
interface WmiVolume { DeviceID?: string; FileSystem?: string; Size?: number | string; VolumeName?: string; Access?: number; DriveType?: number }
interface WmiDisk {
  DeviceID?: string; PNPDeviceID?: string; Parent?: string | null; Model?: string; SerialNumber?: string; Size?: number | string;
  Volumes?: WmiVolume[] | WmiVolume | null;
}

const asArray = <T>(value: T[] | T | null | undefined): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string => (typeof value === 'string' ? value.trim().slice(0, 256) : '');

/**
 * Parses the script's JSON into devices and mounted volumes. Throws on non-JSON and on output that was not
 * UTF-8 (both reported as degraded, never recorded as mangled names).
 */
export function parseWmiSnapshot(json: string): UsbSnapshot {
  const data = JSON.parse(assertDecodedCleanly(json)) as { usb?: WmiPnpEntity[] | WmiPnpEntity; disks?: WmiDisk[] | WmiDisk };
  const devices: UsbDeviceInfo[] = [];
  const interfaces: { parent: string; classes: string[] }[] = [];
  for (const entity of asArray(data.usb)) {
    // "USB\Class_08&SubClass_06…" is an interface class; "USB\DevClass_00" is the device's own class.
    const classes = asArray(entity.CompatibleID).map((c) => /\\Class_([0-9A-F]{2})/i.exec(text(c))?.[1]?.toLowerCase()).filter((c): c is string => !!c);
    const child = /^(USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4})&MI_\d+\\/i.exec(text(entity.PNPDeviceID));
    if (child) {
      // Interfaces of a composite device: their classes belong to the parent device.
      interfaces.push({ parent: child[1]!.toUpperCase(), classes });
      continue;
    }
    const id = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})\\(.+)$/i.exec(text(entity.PNPDeviceID));
    if (!id) continue;
    devices.push({
      vendorId: id[1]!.toLowerCase(), productId: id[2]!.toLowerCase(),
      // Windows invents "7&1e3a8971&0&2"-style instance ids for devices without a serial: not a serial.
      serial: id[3]!.includes('&') ? '' : id[3]!, vendor: text(entity.Manufacturer), product: text(entity.Name),
      deviceClass: text(entity.Service).toUpperCase() === 'USBSTOR' ? '08' : '00', interfaceClasses: [...new Set(classes)],
      busPath: text(entity.PNPDeviceID),
    });
  }
  const byVidPid = (prefix: string) => devices.filter((d) => d.busPath.toUpperCase().startsWith(`${prefix}\\`));
  for (const { parent, classes } of interfaces) {
    for (const device of byVidPid(parent)) device.interfaceClasses = [...new Set([...device.interfaceClasses, ...classes])];
  }
  const mounts: MountInfo[] = [];
  for (const disk of asArray(data.disks)) {
    const owner = ownerOf(disk, devices, byVidPid);
    // USBSTOR\DISK&VEN_KINGSTON&PROD_DATATRAVELER_3.0&REV_PMAP\<serial>&0: the vendor string when WMI gave none.
    const storage = /^USBSTOR\\DISK&VEN_([^&]*)&PROD_/i.exec(text(disk.PNPDeviceID));
    if (owner) {
      if (!owner.vendor && storage?.[1]) owner.vendor = storage[1].replace(/_/g, ' ');
      if (!owner.interfaceClasses.includes('08')) owner.interfaceClasses.push('08');
    }
    for (const volume of asArray(disk.Volumes)) {
      const letter = text(volume.DeviceID);
      if (!/^[A-Z]:$/i.test(letter)) continue;
      mounts.push({
        mountPoint: `${letter.toUpperCase()}\\`, filesystem: text(volume.FileSystem).toLowerCase(), blockDevice: text(disk.DeviceID),
        sizeBytes: Number(volume.Size) || 0, label: text(volume.VolumeName), readOnly: volume.Access === 1, ...(owner ? { device: owner } : {}),
      });
    }
  }
  return { devices, mounts };
}

/**
 * The USB device a disk lives on: its PnP parent (a device, or the storage interface "…&MI_01\…" of a composite
 * one); without a parent, the USB serial the USBSTOR instance id carries: "…\<serial>&0" for a stick, or
 * "…\7&2DBE8C1F&0&<serial>&0" when the storage function is one interface of a composite device (USBSTOR then
 * prefixes the parent's Windows-made id; seen in public captures, see fixtures/README.md).
 */
function ownerOf(disk: WmiDisk, devices: UsbDeviceInfo[], byVidPid: (prefix: string) => UsbDeviceInfo[]): UsbDeviceInfo | undefined {
  const parent = text(disk.Parent).toUpperCase();
  if (parent) {
    const direct = devices.find((d) => d.busPath.toUpperCase() === parent);
    if (direct) return direct;
    const composite = /^(USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4})&MI_\d+\\/i.exec(parent);
    const candidates = composite ? byVidPid(composite[1]!.toUpperCase()) : [];
    if (candidates.length === 1) return candidates[0];
  }
  const serial = /^USBSTOR\\[^\\]+\\(.+?)(?:&\d+)?$/i.exec(text(disk.PNPDeviceID))?.[1]?.toUpperCase() ?? '';
  const afterPrefix = serial.includes('&') ? serial.slice(serial.lastIndexOf('&') + 1) : serial;
  return devices.find((d) => d.serial !== '' && d.serial.toUpperCase() === serial)
    ?? devices.find((d) => d.serial !== '' && d.serial.toUpperCase() === afterPrefix);
}

/** The snapshot as a command: powershell.exe running the script with UTF-8 output. */
export function snapshotCommand(): [string, string[]] {
  return ['powershell.exe', powershellArgs(WMI_SNAPSHOT_SCRIPT)];
}

/** Runs one snapshot; throws with PowerShell's message when it fails. */
export async function queryWmiSnapshot(run: CommandRunner): Promise<UsbSnapshot> {
  const [program, args] = snapshotCommand();
  const result = await run(program, args);
  if (result.code !== 0) throw new Error(result.stderr.trim() || `powershell exited ${result.code}`);
  return parseWmiSnapshot(result.stdout);
}

/** Snapshots alone, every `pollMs`. */
export function createWmiUsbSource(run: CommandRunner, pollMs = 1_000): SnapshotUsbSource {
  return new SnapshotUsbSource('wmi', () => queryWmiSnapshot(run), pollMs);
}
