import type { UsbDeviceInfo } from './usb-device.ts';

/** A typical USB stick, for tests on either side of the seam (sensors and device control); override any field. */
export function sampleStick(overrides: Partial<UsbDeviceInfo> = {}): UsbDeviceInfo {
  return {
    vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'SanDisk', product: 'Ultra',
    deviceClass: '00', interfaceClasses: ['08'], busPath: '1-2', ...overrides,
  };
}
