import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWmiSnapshot } from './wmi-usb-source.ts';

const fixture = readFileSync(new URL('./fixtures/wmi-snapshot.json', import.meta.url), 'utf8');

describe('Windows WMI snapshot parsing', () => {
  it('turns the PowerShell/WMI output into the same devices and mounts as the Linux source', () => {
    const { devices, mounts } = parseWmiSnapshot(fixture);
    expect(devices.map((d) => `${d.vendorId}:${d.productId}`)).toEqual(['046d:c52b', '0781:5581', '0951:1666']);
    expect(devices[0]).toMatchObject({ serial: '', interfaceClasses: ['03'], deviceClass: '00' });
    expect(devices[1]).toEqual({
      vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'Compatible USB storage device',
      product: 'USB Mass Storage Device', deviceClass: '08', interfaceClasses: ['08'], busPath: 'USB\\VID_0781&PID_5581\\4C530001231120115142',
    });
    expect(mounts).toEqual([
      { mountPoint: 'E:\\', filesystem: 'fat32', blockDevice: '\\\\.\\PHYSICALDRIVE1', sizeBytes: 30747295744, label: 'SANDISK', readOnly: false, device: devices[1] },
      { mountPoint: 'F:\\', filesystem: 'ntfs', blockDevice: '\\\\.\\PHYSICALDRIVE2', sizeBytes: 15500048384, label: 'Akten 2024', readOnly: true, device: devices[2] },
    ]);
  });

  it('accepts single objects where PowerShell unwraps one-element arrays, and rejects non-JSON', () => {
    const one = JSON.stringify({ usb: { PNPDeviceID: 'USB\\VID_0781&PID_5581\\ABC', Service: 'USBSTOR', CompatibleID: 'USB\\Class_08' }, disks: null });
    expect(parseWmiSnapshot(one).devices).toHaveLength(1);
    expect(() => parseWmiSnapshot('Get-CimInstance : Access denied')).toThrow();
  });
});
