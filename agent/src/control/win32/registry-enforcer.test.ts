import { describe, expect, it } from 'vitest';
import { sampleStick } from '../../sensors/usb/common/fake-usb-sensor.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import { DiskutilEnforcer } from '../darwin/diskutil-enforcer.ts';
import { RegistryDeviceEnforcer } from './registry-enforcer.ts';

function recorder(fail?: string) {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return line.startsWith(fail ?? '\0') ? { code: 1, stdout: '', stderr: 'Access is denied.' } : { code: 0, stdout: '', stderr: '' };
  };
  return { calls, run };
}

const winStick = sampleStick({ busPath: 'USB\\VID_0781&PID_5581\\4C530001231120115142' });
const winMount = { mountPoint: 'E:\\', filesystem: 'fat32', blockDevice: '\\\\.\\PHYSICALDRIVE1', sizeBytes: 1, label: 'S', readOnly: false, device: winStick };

describe('Windows enforcement writes the exact keys and commands', () => {
  it('block-all, one device, read-only and unmount', async () => {
    const { calls, run } = recorder();
    const enforcer = new RegistryDeviceEnforcer(run);
    await enforcer.applyBaseline(true);
    await enforcer.applyDevice(winStick, 'block');
    await enforcer.applyMount(winMount, 'block');
    await enforcer.applyMount(winMount, 'read_only');
    await enforcer.applyDevice(winStick, 'allow');
    expect(calls).toEqual([
      'reg.exe add HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR /v Start /t REG_DWORD /d 4 /f',
      'pnputil.exe /disable-device USB\\VID_0781&PID_5581\\4C530001231120115142',
      'mountvol.exe E: /p',
      'reg.exe add HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b} /v Deny_Write /t REG_DWORD /d 1 /f',
      'fsutil.exe volume dismount E:',
      'pnputil.exe /enable-device USB\\VID_0781&PID_5581\\4C530001231120115142',
    ]);
  });

  it('reports a failure (e.g. not elevated) instead of throwing', async () => {
    const { run } = recorder('reg.exe');
    expect(await new RegistryDeviceEnforcer(run).applyBaseline(true)).toMatchObject({ ok: false, detail: expect.stringContaining('Access is denied') });
    expect((await new RegistryDeviceEnforcer(run).applyMount({ ...winMount, mountPoint: '/media/x' }, 'block')).ok).toBe(false);
  });
});

describe('macOS enforcement uses diskutil', () => {
  it('unmounts a blocked disk and remounts read-only', async () => {
    const { calls, run } = recorder();
    const enforcer = new DiskutilEnforcer(run);
    const stick = sampleStick({ busPath: 'disk4' });
    await enforcer.applyDevice(stick, 'block');
    await enforcer.applyMount({ ...winMount, mountPoint: '/Volumes/S', blockDevice: '/dev/disk4s1', device: stick }, 'read_only');
    expect(calls).toEqual(['diskutil unmountDisk force /dev/disk4', 'diskutil unmount /dev/disk4s1', 'diskutil mount readOnly /dev/disk4s1']);
  });
});
