import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { decodePowerShellOutput, scriptOf, UTF8_OUTPUT } from '../../../platform/powershell.ts';
import { parseWmiSnapshot, queryWmiSnapshot, snapshotCommand } from './wmi-usb-source.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('Windows WMI snapshot parsing (hand-written fixture, documented WMI format; see fixtures/README.md)', () => {
  it('turns the PowerShell/WMI output into the same devices and mounts as the Linux source', () => {
    const { devices, mounts } = parseWmiSnapshot(fixture('wmi-snapshot.json').toString('utf8'));
    expect(devices.map((d) => `${d.vendorId}:${d.productId}`)).toEqual(['046d:c52b', '04f3:012d', '0781:5581', '0951:1666', '152d:0578']);
    // Composite device: the HID interface's class belongs to it; Windows-made instance ids are not serials.
    expect(devices[0]).toMatchObject({ serial: '', interfaceClasses: ['03'], deviceClass: '00' });
    expect(devices[1]).toMatchObject({ serial: '', busPath: 'USB\\VID_04F3&PID_012D\\7&1E3A8971&0&2' });
    expect(devices[2]).toEqual({
      vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'Compatible USB storage device',
      product: 'USB Mass Storage Device', deviceClass: '08', interfaceClasses: ['08'], busPath: 'USB\\VID_0781&PID_5581\\4C530001231120115142',
    });
    expect(mounts).toEqual([
      { mountPoint: 'E:\\', filesystem: 'fat32', blockDevice: '\\\\.\\PHYSICALDRIVE1', sizeBytes: 30747295744, label: 'SANDISK', readOnly: false, device: devices[2] },
      { mountPoint: 'F:\\', filesystem: 'ntfs', blockDevice: '\\\\.\\PHYSICALDRIVE2', sizeBytes: 15500048384, label: 'Akten 2024', readOnly: true, device: devices[3] },
      // A UAS disk (SCSI\…, its own serial S3Z1…) is tied to the USB bridge by its PnP parent, not by serial.
      { mountPoint: 'G:\\', filesystem: 'exfat', blockDevice: '\\\\.\\PHYSICALDRIVE3', sizeBytes: 500103118848, label: 'BACKUP', readOnly: false, device: devices[4] },
    ]);
    expect(devices[4]).toMatchObject({ serial: '0123456789ABCDEF', interfaceClasses: ['08'] });
  });

  it('without a parent, a USBSTOR disk is tied to its stick by the serial in its instance id (REV_PMAP form)', () => {
    const json = JSON.stringify({
      usb: { PNPDeviceID: 'USB\\VID_0951&PID_1666\\60A44C3FAE22EEA0797900B5', Service: 'USBSTOR', CompatibleID: 'USB\\Class_08' },
      disks: { DeviceID: '\\\\.\\PHYSICALDRIVE2', PNPDeviceID: 'USBSTOR\\DISK&VEN_KINGSTON&PROD_DATATRAVELER_3.0&REV_PMAP\\60A44C3FAE22EEA0797900B5&0', Parent: null, Volumes: { DeviceID: 'F:' } },
    });
    const { devices, mounts } = parseWmiSnapshot(json);
    expect(devices).toHaveLength(1);
    expect(mounts[0]?.device).toBe(devices[0]);
    expect(devices[0]?.vendor).toBe('KINGSTON');
    expect(() => parseWmiSnapshot('Get-CimInstance : Access denied')).toThrow();
  });
});

describe('USBSTOR instance ids as published (Microsoft Learn sample, a public capture; see fixtures/README.md)', () => {
  it('ties disks without a parent to their device by the serial in the USBSTOR id, also behind a composite prefix', () => {
    // Instance ids verbatim from the sources; the USB ids around them are assumed (VID/PID not in the sources).
    const json = JSON.stringify({
      usb: [
        { PNPDeviceID: 'USB\\VID_058F&PID_6387\\8735B611', Service: 'USBSTOR', CompatibleID: ['USB\\Class_08&SubClass_06&Prot_50'] },
        { PNPDeviceID: 'USB\\VID_1209&PID_0001\\4835574E0700005730001000', Service: 'usbccgp', CompatibleID: ['USB\\COMPOSITE'] },
      ],
      disks: [
        { DeviceID: '\\\\.\\PHYSICALDRIVE1', PNPDeviceID: 'USBSTOR\\DISK&VEN_GENERIC&PROD_FLASH_DISK&REV_8.07\\8735B611&0', Parent: null, Volumes: { DeviceID: 'E:' } },
        { DeviceID: '\\\\.\\PHYSICALDRIVE2', PNPDeviceID: 'USBSTOR\\DISK&VEN_YDKB&PROD_UF2_BOOTLOADER&REV_42.0\\7&2DBE8C1F&0&4835574E0700005730001000&0', Parent: null, Volumes: { DeviceID: 'F:' } },
      ],
    });
    const { devices, mounts } = parseWmiSnapshot(json);
    expect(mounts.map((m) => [m.mountPoint, m.device?.serial])).toEqual([['E:\\', '8735B611'], ['F:\\', '4835574E0700005730001000']]);
    expect(devices.map((d) => [d.vendor, d.interfaceClasses])).toEqual([['GENERIC', ['08']], ['YDKB', ['08']]]);
  });
});

describe('Japanese names: UTF-8 output vs the default code page (hand-written ja-JP fixture; CP932 bytes derived from it)', () => {
  it('the UTF-8 output (what the script writes after its UTF-8 switch) keeps the label and names', () => {
    const { devices, mounts } = parseWmiSnapshot(fixture('wmi-snapshot-ja.utf8.json').toString('utf8'));
    expect(mounts[0]).toMatchObject({ mountPoint: 'E:\\', label: '会計資料_2024' });
    expect(devices[0]).toMatchObject({ product: 'USB 大容量記憶装置', vendor: '互換 USB ストレージ デバイス' });
  });

  it('CP932 output (PowerShell 5.1 on ja-JP without the switch) is garbled when read as UTF-8, and is refused, not recorded', () => {
    const bytes = fixture('wmi-snapshot-ja.cp932.json');
    // The same text, just in the console's code page: decoding it as CP932 gives the label back …
    expect(iconv.decode(bytes, 'cp932')).toContain('会計資料_2024');
    // … but Node reads a child's output as UTF-8: the label comes out as replacement characters.
    const asNodeReadsIt = bytes.toString('utf8');
    expect(asNodeReadsIt).not.toContain('会計資料');
    expect(asNodeReadsIt).toContain('\uFFFD');
    expect(() => parseWmiSnapshot(asNodeReadsIt)).toThrow(/not UTF-8/);
    expect(() => decodePowerShellOutput(bytes)).toThrow(/not UTF-8/);
    expect(decodePowerShellOutput(fixture('wmi-snapshot-ja.utf8.json'))).toContain('会計資料_2024');
  });

  it('the snapshot command switches stdout to UTF-8 before anything is written, and passes the script encoded', async () => {
    const [program, args] = snapshotCommand();
    expect(program).toBe('powershell.exe');
    const script = scriptOf(args);
    expect(script.split('\n')[0]).toBe(UTF8_OUTPUT);
    expect(script).toContain('DEVPKEY_Device_Parent');
    // UAS disks report InterfaceType SCSI; the parent test keeps internal SCSI/SATA disks out.
    expect(script).toContain("InterfaceType = 'USB' OR InterfaceType = 'SCSI'");
    expect(args).not.toContain(script);
    const run: CommandRunner = async () => ({ code: 0, stdout: fixture('wmi-snapshot-ja.utf8.json').toString('utf8'), stderr: '' });
    expect((await queryWmiSnapshot(run)).mounts[0]?.label).toBe('会計資料_2024');
    const failing: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'Get-CimInstance : Access denied' });
    await expect(queryWmiSnapshot(failing)).rejects.toThrow('Access denied');
  });
});
