import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { parseSystemProfilerUsb, querySystemProfiler } from './system-profiler-usb-source.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('macOS system_profiler parsing (hand-written fixtures in the documented formats; see fixtures/README.md)', () => {
  it('turns SPUSBDataType JSON into the same devices and mounts as the Linux source', () => {
    const { devices, mounts } = parseSystemProfilerUsb(fixture('system-profiler-usb.json'));
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

  it('reads SPUSBHostDataType (newer macOS): devices with vendor, product and serial, no media', () => {
    const { devices, mounts } = parseSystemProfilerUsb(fixture('system-profiler-usb-host.json'));
    expect(devices).toEqual([
      { vendorId: '05ac', productId: '0281', serial: 'F0T0000000001', vendor: 'Apple Inc.', product: 'Magic Keyboard with Touch ID', deviceClass: '00', interfaceClasses: [], busPath: 'location:0x00100000' },
      { vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'SanDisk', product: 'USB DISK 3.0', deviceClass: '00', interfaceClasses: [], busPath: 'location:0x00200000' },
    ]);
    expect(mounts).toEqual([]);
  });

  it('asks for both data types in one call and reads whichever the Mac answered', async () => {
    const asked: string[][] = [];
    const run: CommandRunner = async (command, args) => {
      asked.push([command, ...args]);
      return { code: 0, stdout: fixture('system-profiler-usb-host.json'), stderr: '' };
    };
    expect((await querySystemProfiler(run)).devices).toHaveLength(2);
    expect(asked).toEqual([['system_profiler', '-json', 'SPUSBDataType', 'SPUSBHostDataType']]);
    const both = JSON.stringify({ ...JSON.parse(fixture('system-profiler-usb.json')), ...JSON.parse(fixture('system-profiler-usb-host.json')) });
    expect(parseSystemProfilerUsb(both).devices).toHaveLength(5);
    expect(() => parseSystemProfilerUsb('system_profiler: command not found')).toThrow();
  });
});
