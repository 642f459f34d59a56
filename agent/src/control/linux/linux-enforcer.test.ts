import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleStick } from '../../core/removable-media/sample-stick.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import { LinuxDeviceEnforcer } from './linux-enforcer.ts';
import { parseUsbguardDevices } from './usbguard.ts';

const listing = [
  '1: allow id 1d6b:0002 serial "0000:00:14.0" name "xHCI Host Controller" hash "jEP/6WzviqdJ5VSeTUY8PatCNBKeaREvo2OqdplND/o=" parent-hash "G1ehGQdrl3dJ9HvW9w2HdC//pk87pKzFE1WY25bq8k4=" with-interface 09:00:00 with-connect-type ""',
  '7: block id 0781:5581 serial "4C530001231120115142" name "Ultra" hash "abc=" parent-hash "def=" via-port "1-2" with-interface 08:06:50 with-connect-type "hotplug"',
].join('\n');

function recorder(answers: Record<string, { code: number; stdout?: string; stderr?: string }>) {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    const answer = answers[line] ?? answers[command] ?? { code: 0 };
    return { code: answer.code, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  };
  return { calls, run };
}

describe('Linux enforcement', () => {
  it('parses usbguard list-devices', () => {
    expect(parseUsbguardDevices(listing)[1]).toEqual({ id: '7', target: 'block', vendorProduct: '0781:5581', serial: '4C530001231120115142', viaPort: '1-2' });
  });

  it('uses USBGuard when its daemon answers', async () => {
    const { calls, run } = recorder({ 'usbguard list-devices': { code: 0, stdout: listing } });
    const enforcer = new LinuxDeviceEnforcer({ run, sysRoot: '/nonexistent' });
    expect(await enforcer.applyDevice(sampleStick(), 'allow')).toMatchObject({ ok: true, detail: 'usbguard allow-device 7' });
    expect(enforcer.mechanism).toBe('usbguard');
    expect(calls).toContain('usbguard allow-device 7');
    expect(await enforcer.applyDevice(sampleStick(), 'block')).toMatchObject({ ok: true, detail: 'usbguard: 7 already block' });
  });

  it('falls back to sysfs authorized when USBGuard is absent', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'sys-'));
    mkdirSync(join(sys, 'bus/usb/devices/1-2'), { recursive: true });
    writeFileSync(join(sys, 'bus/usb/devices/1-2/authorized'), '1');
    const { run } = recorder({ usbguard: { code: 127, stderr: 'spawn usbguard ENOENT' } });
    const enforcer = new LinuxDeviceEnforcer({ run, sysRoot: sys });
    expect(await enforcer.applyDevice(sampleStick(), 'block')).toMatchObject({ ok: true });
    expect(enforcer.mechanism).toBe('sysfs');
    expect(readFileSync(join(sys, 'bus/usb/devices/1-2/authorized'), 'utf8')).toBe('0');
    expect((await enforcer.applyDevice(sampleStick({ busPath: '../../etc' }), 'block')).ok).toBe(false);
  });

  it('unmounts (lazily when busy) and remounts read-only with exact commands', async () => {
    const { calls, run } = recorder({ 'umount /media/s': { code: 32, stderr: 'target is busy' } });
    const enforcer = new LinuxDeviceEnforcer({ run, prefer: 'sysfs' });
    const mount = { mountPoint: '/media/s', filesystem: 'vfat', blockDevice: '/dev/sdb1', sizeBytes: 1, label: '', readOnly: false };
    expect(await enforcer.applyMount(mount, 'block')).toMatchObject({ ok: true, detail: expect.stringMatching(/^lazily/) });
    await enforcer.applyMount(mount, 'read_only');
    expect(calls).toEqual(['umount /media/s', 'umount -l /media/s', 'mount -o remount,ro /media/s']);
  });
});
