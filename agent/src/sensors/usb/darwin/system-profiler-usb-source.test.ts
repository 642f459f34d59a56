import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSystemProfilerUsb } from './system-profiler-usb-source.ts';

const fixture = readFileSync(new URL('./fixtures/system-profiler-usb.json', import.meta.url), 'utf8');

describe('macOS system_profiler parsing', () => {
  it('turns SPUSBDataType JSON into the same devices and mounts as the Linux source', () => {
    const { devices, mounts } = parseSystemProfilerUsb(fixture);
    expect(devices.map((d) => `${d.vendorId}:${d.productId}`)).toEqual(['05ac:0281', '0781:5581', '0951:1666']);
    expect(devices[0]).toMatchObject({ interfaceClasses: [], busPath: 'location:0x00100000' });
    expect(devices[1]).toEqual({
      vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'SanDisk', product: 'Ultra',
      deviceClass: '00', interfaceClasses: ['08'], busPath: 'disk4',
    });
    expect(mounts).toEqual([
      { mountPoint: '/Volumes/SANDISK', filesystem: 'MS-DOS FAT32', blockDevice: '/dev/disk4s1', sizeBytes: 30747295744, label: 'SANDISK', readOnly: false, device: devices[1] },
      { mountPoint: '/Volumes/Akten 2024', filesystem: 'ExFAT', blockDevice: '/dev/disk5s2', sizeBytes: 15290000000, label: 'Akten 2024', readOnly: true, device: devices[2] },
    ]);
  });

  it('rejects non-JSON output', () => {
    expect(() => parseSystemProfilerUsb('system_profiler: command not found')).toThrow();
  });
});
