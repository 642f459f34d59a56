import type { DeviceException, EffectivePolicy } from '@mamori/policies';
import type { UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';
import type { DeviceBaseline } from './enforcer.ts';

/**
 * The part of device policy an OS can hold without the agent: refuse storage by default, admit the devices named
 * by vendor + product + serial. Allow entries bound to users, or naming only vendor:product, need the agent to
 * decide each device as it arrives (the OS cannot know who is logged in, and Windows' device-ID allow cannot
 * override a device-ID deny). A serial-only entry or exception is completed with the vendor:product of a device
 * seen with that serial. Pure.
 */
export function deviceBaseline(
  policy: EffectivePolicy['device'], liveExceptions: readonly DeviceException[], seen: readonly UsbDeviceInfo[],
): DeviceBaseline {
  const anyDevice = liveExceptions.some((e) => e.serial === undefined && e.mode !== 'block');
  const allowed = new Map<string, DeviceBaseline['allowed'][number]>();
  const add = (vendorId: string, productId: string, serial: string) => {
    const entry = { vendorId: vendorId.toLowerCase(), productId: productId.toLowerCase(), serial };
    allowed.set(`${entry.vendorId}:${entry.productId}:${serial}`, entry);
  };
  const bySerial = (serial: string) => seen.filter((d) => d.serial !== '' && d.serial === serial);
  for (const entry of policy.allow) {
    if (entry.mode === 'block' || entry.serial === undefined || (entry.users && entry.users.length > 0)) continue;
    if (entry.vendor_id !== undefined && entry.product_id !== undefined) add(entry.vendor_id, entry.product_id, entry.serial);
    else for (const device of bySerial(entry.serial)) add(device.vendorId, device.productId, entry.serial);
  }
  for (const exception of liveExceptions) {
    if (exception.mode === 'block' || exception.serial === undefined) continue;
    for (const device of bySerial(exception.serial)) add(device.vendorId, device.productId, exception.serial);
  }
  return { denyStorage: policy.mode === 'block' && !anyDevice, allowed: [...allowed.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
}
