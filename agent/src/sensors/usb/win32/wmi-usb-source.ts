/**
 * Windows USB source.
 * OS interfaces: WMI/CIM through PowerShell (Win32_PnPEntity for USB devices with their hardware ids and
 *   compatible ids — the SetupAPI data —, Win32_DiskDrive → Win32_DiskPartition → Win32_LogicalDisk for volumes),
 *   polled every second; output as JSON (see WMI_SNAPSHOT_SCRIPT).
 * Privileges: none (a standard user can read these classes); enforcement needs Administrator.
 * Known gaps: polling, not WM_DEVICECHANGE (a stick in and out within a second is missed); devices without an
 *   iSerialNumber get a Windows-made instance id, reported as no serial; MTP phones are not volumes.
 */
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { MountInfo, UsbDeviceInfo } from '../common/types.ts';

/** The one PowerShell query behind a snapshot; its output format is what the fixtures record. */
export const WMI_SNAPSHOT_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$usb = @(Get-CimInstance Win32_PnPEntity -Filter \"PNPDeviceID LIKE 'USB\\\\VID_%'\" | Select-Object PNPDeviceID, Name, Manufacturer, Service, CompatibleID)",
  "$disks = @(Get-CimInstance Win32_DiskDrive -Filter \"InterfaceType = 'USB'\" | ForEach-Object {",
  '  $disk = $_',
  '  $volumes = @(Get-CimAssociatedInstance -InputObject $disk -ResultClassName Win32_DiskPartition | ForEach-Object {',
  '    Get-CimAssociatedInstance -InputObject $_ -ResultClassName Win32_LogicalDisk } | Select-Object DeviceID, FileSystem, Size, VolumeName, Access, DriveType)',
  '  [pscustomobject]@{ DeviceID = $disk.DeviceID; PNPDeviceID = $disk.PNPDeviceID; Model = $disk.Model; SerialNumber = $disk.SerialNumber; Size = $disk.Size; Volumes = $volumes }',
  '})',
  '[pscustomobject]@{ usb = $usb; disks = $disks } | ConvertTo-Json -Depth 5 -Compress',
].join('\n');

interface WmiPnpEntity { PNPDeviceID?: string; Name?: string; Manufacturer?: string; Service?: string; CompatibleID?: string[] | string | null }
interface WmiVolume { DeviceID?: string; FileSystem?: string; Size?: number | string; VolumeName?: string; Access?: number; DriveType?: number }
interface WmiDisk { DeviceID?: string; PNPDeviceID?: string; Model?: string; SerialNumber?: string; Size?: number | string; Volumes?: WmiVolume[] | WmiVolume | null }

const asArray = <T>(value: T[] | T | null | undefined): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string => (typeof value === 'string' ? value.trim().slice(0, 256) : '');

/** Parses the script's JSON into devices and mounted volumes. Throws on non-JSON (reported as degraded). */
export function parseWmiSnapshot(json: string): UsbSnapshot {
  const data = JSON.parse(json) as { usb?: WmiPnpEntity[] | WmiPnpEntity; disks?: WmiDisk[] | WmiDisk };
  const devices: UsbDeviceInfo[] = [];
  const interfaces: { vidPid: string; classes: string[] }[] = [];
  for (const entity of asArray(data.usb)) {
    // "USB\Class_08&SubClass_06…" is an interface class; "USB\DevClass_00" is the device's own class.
    const classes = asArray(entity.CompatibleID).map((c) => /\\Class_([0-9A-F]{2})/i.exec(text(c))?.[1]?.toLowerCase()).filter((c): c is string => !!c);
    const child = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})&MI_\d+\\/i.exec(text(entity.PNPDeviceID));
    if (child) {
      // Interfaces of a composite device: their classes belong to the parent device.
      interfaces.push({ vidPid: `${child[1]}:${child[2]}`.toLowerCase(), classes });
      continue;
    }
    const id = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})\\(.+)$/i.exec(text(entity.PNPDeviceID));
    if (!id) continue;
    devices.push({
      vendorId: id[1]!.toLowerCase(), productId: id[2]!.toLowerCase(),
      // Windows invents "5&2a3b4c&0&2"-style instance ids for devices without a serial: not a serial.
      serial: id[3]!.includes('&') ? '' : id[3]!, vendor: text(entity.Manufacturer), product: text(entity.Name),
      deviceClass: text(entity.Service).toUpperCase() === 'USBSTOR' ? '08' : '00', interfaceClasses: [...new Set(classes)],
      busPath: text(entity.PNPDeviceID),
    });
  }
  for (const { vidPid, classes } of interfaces) {
    const parent = devices.find((d) => `${d.vendorId}:${d.productId}` === vidPid);
    if (parent) parent.interfaceClasses = [...new Set([...parent.interfaceClasses, ...classes])];
  }
  const mounts: MountInfo[] = [];
  for (const disk of asArray(data.disks)) {
    // USBSTOR\DISK&VEN_SANDISK&PROD_ULTRA&REV_1.00\4C530001231120115142&0 → the parent USB device's serial.
    const storage = /^USBSTOR\\DISK&VEN_([^&]*)&PROD_([^&]*)[^\\]*\\(.+?)(?:&\d+)?$/i.exec(text(disk.PNPDeviceID));
    const serial = storage?.[3] ?? '';
    const owner = devices.find((d) => d.serial !== '' && d.serial.toUpperCase() === serial.toUpperCase());
    if (owner && storage) {
      owner.vendor ||= storage[1]!.replace(/_/g, ' ');
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

/** The Windows source: the script run through powershell.exe every `pollMs`. */
export function createWmiUsbSource(run: CommandRunner, pollMs = 1_000): SnapshotUsbSource {
  return new SnapshotUsbSource('wmi', async () => {
    const result = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WMI_SNAPSHOT_SCRIPT]);
    if (result.code !== 0) throw new Error(result.stderr.trim() || `powershell exited ${result.code}`);
    return parseWmiSnapshot(result.stdout);
  }, pollMs);
}
