/**
 * macOS USB source.
 * OS interfaces: `system_profiler -json SPUSBDataType` (IOKit's USB tree with each mass-storage device's Media,
 *   volumes, BSD names and mount points), polled every 2 s. Read-only state from the volume's "writable" field.
 * Privileges: none; enforcement (diskutil unmount) needs root or the console user.
 * Known gaps: polling (a stick in and out within a poll is missed); macOS 14+ may list devices under
 *   SPUSBHostDataType instead (both keys are read); no interface classes: a device with Media is storage.
 */
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { MountInfo, UsbDeviceInfo } from '../common/types.ts';

interface SpVolume { _name?: string; bsd_name?: string; file_system?: string; mount_point?: string; size_in_bytes?: number; writable?: string }
interface SpMedia { bsd_name?: string; volumes?: SpVolume[] }
interface SpItem {
  _name?: string; _items?: SpItem[]; vendor_id?: string; product_id?: string; serial_num?: string; manufacturer?: string;
  location_id?: string; Media?: SpMedia[];
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
    const vendorId = hexId(item.vendor_id);
    if (!vendorId || item._name === 'hub_device') return;
    const media = item.Media ?? [];
    const disk = text(media[0]?.bsd_name);
    const device: UsbDeviceInfo = {
      vendorId, productId: hexId(item.product_id), serial: text(item.serial_num), vendor: text(item.manufacturer),
      product: text(item._name), deviceClass: '00', interfaceClasses: media.length > 0 ? ['08'] : [],
      // The BSD whole-disk name is what diskutil acts on; other devices are known by their location.
      busPath: disk || `location:${text(item.location_id).split(' ')[0]}`,
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

export function createSystemProfilerUsbSource(run: CommandRunner, pollMs = 2_000): SnapshotUsbSource {
  return new SnapshotUsbSource('system_profiler', async () => {
    const result = await run('system_profiler', ['-json', 'SPUSBDataType']);
    if (result.code !== 0) throw new Error(result.stderr.trim() || `system_profiler exited ${result.code}`);
    return parseSystemProfilerUsb(result.stdout);
  }, pollMs);
}
