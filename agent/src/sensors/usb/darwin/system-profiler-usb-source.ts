/**
 * macOS USB snapshot: devices and mounted volumes now (live changes come from diskutil-activity-source.ts).
 * OS interfaces: `system_profiler -json SPUSBDataType SPUSBHostDataType` — both data types in one call, because
 *   macOS moved USB to SPUSBHostDataType (keys USBDeviceKeyVendorID, USBDeviceKeyProductID,
 *   USBDeviceKeySerialNumber, USBDeviceKeyVendorName, USBKeyLocationID; public tools date the switch to macOS 26)
 *   while older releases only know SPUSBDataType (vendor_id, product_id, serial_num, manufacturer, location_id,
 *   and Media with BSD names, volumes, mount points and "writable"). A data type the release does not know is
 *   simply absent from the output. Read-only state from the volume's "writable" field.
 * Privileges: none; enforcement (diskutil unmount) needs root.
 * Known gaps: SPUSBHostDataType carries no Media, so there a device cannot be tied to its volumes (the volumes
 *   are still seen by diskutil activity, and enforced by the mount guard only for devices SPUSBDataType tied);
 *   no interface classes: a device with Media is storage.
 */
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { MountInfo, UsbDeviceInfo } from '../../../core/removable-media/usb-device.ts';

interface SpVolume { _name?: string; bsd_name?: string; file_system?: string; mount_point?: string; size_in_bytes?: number; writable?: string }
interface SpMedia { bsd_name?: string; volumes?: SpVolume[] }
interface SpItem {
  _name?: string; _items?: SpItem[]; vendor_id?: string; product_id?: string; serial_num?: string; manufacturer?: string;
  location_id?: string; Media?: SpMedia[];
  // SPUSBHostDataType
  USBDeviceKeyVendorID?: string; USBDeviceKeyProductID?: string; USBDeviceKeySerialNumber?: string;
  USBDeviceKeyVendorName?: string; USBKeyLocationID?: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim().slice(0, 256) : '');

/** "0x0781  (SanDisk Corporation)" → "0781"; Apple writes "apple_vendor_id" for its own devices. */
function hexId(value: unknown): string {
  const raw = text(value);
  if (raw === 'apple_vendor_id') return '05ac';
  const match = /^0x([0-9a-f]{1,4})/i.exec(raw);
  return match ? match[1]!.toLowerCase().padStart(4, '0') : '';
}

/** Parses system_profiler's JSON into devices and mounted volumes. Throws on non-JSON (reported as degraded). */
export function parseSystemProfilerUsb(json: string): UsbSnapshot {
  const data = JSON.parse(json) as Record<string, SpItem[] | undefined>;
  const devices: UsbDeviceInfo[] = [];
  const mounts: MountInfo[] = [];
  const visit = (item: SpItem) => {
    for (const child of item._items ?? []) visit(child);
    const vendorId = hexId(item.vendor_id ?? item.USBDeviceKeyVendorID);
    if (!vendorId || item._name === 'hub_device') return;
    const media = item.Media ?? [];
    const disk = text(media[0]?.bsd_name);
    const device: UsbDeviceInfo = {
      vendorId, productId: hexId(item.product_id ?? item.USBDeviceKeyProductID), serial: text(item.serial_num ?? item.USBDeviceKeySerialNumber),
      vendor: text(item.manufacturer ?? item.USBDeviceKeyVendorName),
      product: text(item._name), deviceClass: '00', interfaceClasses: media.length > 0 ? ['08'] : [],
      // The BSD whole-disk name is what diskutil acts on; other devices are known by their location.
      busPath: disk || `location:${text(item.location_id ?? item.USBKeyLocationID).split(' ')[0]}`,
    };
    devices.push(device);
    for (const volume of media.flatMap((m) => m.volumes ?? [])) {
      if (!text(volume.mount_point)) continue;
      mounts.push({
        mountPoint: text(volume.mount_point), filesystem: text(volume.file_system), blockDevice: `/dev/${text(volume.bsd_name)}`,
        sizeBytes: Number(volume.size_in_bytes) || 0, label: text(volume._name), readOnly: text(volume.writable) === 'no', device,
      });
    }
  };
  for (const bus of [...(data.SPUSBDataType ?? []), ...(data.SPUSBHostDataType ?? [])]) visit(bus);
  return { devices, mounts };
}

/** Both USB data types, one call: each macOS answers the one it knows. */
export const SYSTEM_PROFILER_ARGS = ['-json', 'SPUSBDataType', 'SPUSBHostDataType'] as const;

/** Runs one snapshot; throws with system_profiler's message when it fails. */
export async function querySystemProfiler(run: CommandRunner): Promise<UsbSnapshot> {
  const result = await run('system_profiler', SYSTEM_PROFILER_ARGS);
  if (result.code !== 0) throw new Error(result.stderr.trim() || `system_profiler exited ${result.code}`);
  return parseSystemProfilerUsb(result.stdout);
}

/** Snapshots alone, every `pollMs`. */
export function createSystemProfilerUsbSource(run: CommandRunner, pollMs = 2_000): SnapshotUsbSource {
  return new SnapshotUsbSource('system_profiler', () => querySystemProfiler(run), pollMs);
}
