import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources, type DeviceException } from '@mamori/policies';
import { PolicyHolder } from '../../core/policy-holder.ts';
import { sampleStick } from '../../core/removable-media/sample-stick.ts';
import type { UsbObservation } from '../../core/removable-media/usb-device.ts';
import { deviceBaseline } from '../common/baseline.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import { DeviceControl } from '../common/device-control.ts';
import {
  installListsPlan, listsForBaseline, planAsPowerShell, planCommands, readOnlyPlan, uninstallPlan,
} from './device-install-policy.ts';
import { RegistryDeviceEnforcer } from './registry-enforcer.ts';

const R = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions';
const RSD = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}';

const policy = (yaml: string, pc = 'PC-1', exceptions: DeviceException[] = []) =>
  effectivePolicyFor(parsePolicySources([{ name: 'device.yaml', text: yaml }]), pc, 1, exceptions).device;

function recorder(fail?: (line: string) => boolean) {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return fail?.(line) ? { code: 1, stdout: '', stderr: 'ERROR: Access is denied.' } : { code: 0, stdout: '', stderr: '' };
  };
  return { calls, run };
}

const lines = (plan: Parameters<typeof planCommands>[0]) => planCommands(plan).map((c) => c.join(' '));

describe('Windows device-installation plans (policy → registry writes, as data)', () => {
  it('block: Windows refuses every USB mass-storage function, also those already installed', () => {
    const baseline = deviceBaseline(policy('device:\n  default: { mode: block }\n'), [], []);
    expect(baseline).toEqual({ denyStorage: true, allowed: [] });
    const plan = installListsPlan(listsForBaseline(baseline));
    expect(lines(plan)).toEqual([
      `reg.exe add ${R} /v AllowDenyLayered /t REG_DWORD /d 1 /f`,
      `reg.exe delete ${R} /v AllowInstanceIDs /f`,
      `reg.exe delete ${R}\\AllowInstanceIDs /f`,
      `reg.exe delete ${R} /v DenyInstanceIDs /f`,
      `reg.exe delete ${R} /v DenyInstanceIDsRetroactive /f`,
      `reg.exe delete ${R}\\DenyInstanceIDs /f`,
      `reg.exe delete ${R}\\DenyDeviceIDs /f`,
      `reg.exe add ${R}\\DenyDeviceIDs /v 1 /t REG_SZ /d USB\\Class_08 /f`,
      `reg.exe add ${R} /v DenyDeviceIDs /t REG_DWORD /d 1 /f`,
      `reg.exe add ${R} /v DenyDeviceIDsRetroactive /t REG_DWORD /d 1 /f`,
    ]);
    // Nothing is admitted, so there is nothing for Windows to retry.
    expect(plan.commands).toEqual([]);
    expect(plan.summary).toBe('Windows refuses USB storage (USB\\Class_08, also already installed)');
  });

  it('allow-list: sticks named by vendor + product + serial are admitted by instance id before any agent decision', () => {
    const device = policy([
      'device:', '  default: { mode: block }', '  allow:',
      '    - { name: company, vendor_id: "0781", product_id: "5581", serial: "4C530001231120115142" }',
      '    - { name: archive, serial: "60A44C3FAE22EEA0797900B5", mode: read_only }',
      '    - { name: all kingston, vendor_id: "0951", product_id: "1666" }',
      '    - { name: tanaka only, vendor_id: "0951", product_id: "1666", serial: "T1", users: [tanaka] }',
    ].join('\n'));
    const kingston = sampleStick({ vendorId: '0951', productId: '1666', serial: '60A44C3FAE22EEA0797900B5' });
    // The serial-only entry needs the stick's vendor:product: exact once it has been seen; the vendor:product
    // entry and the user-bound one are left to the agent's per-device decision.
    expect(deviceBaseline(device, [], []).allowed).toEqual([{ vendorId: '0781', productId: '5581', serial: '4C530001231120115142' }]);
    const baseline = deviceBaseline(device, [], [kingston]);
    const plan = installListsPlan(listsForBaseline(baseline));
    expect(lines(plan).filter((l) => l.includes('AllowInstanceIDs'))).toEqual([
      `reg.exe delete ${R}\\AllowInstanceIDs /f`,
      `reg.exe add ${R}\\AllowInstanceIDs /v 1 /t REG_SZ /d USB\\VID_0781&PID_5581\\4C530001231120115142 /f`,
      `reg.exe add ${R}\\AllowInstanceIDs /v 2 /t REG_SZ /d USB\\VID_0951&PID_1666\\60A44C3FAE22EEA0797900B5 /f`,
      `reg.exe add ${R} /v AllowInstanceIDs /t REG_DWORD /d 1 /f`,
    ]);
    // The allow list is written before the storage deny, and Windows retries what it refused before.
    const all = lines(plan);
    expect(all.findIndex((l) => l.includes('AllowInstanceIDs /v 1'))).toBeLessThan(all.findIndex((l) => l.includes('DenyDeviceIDs /v 1')));
    expect(plan.commands).toEqual([['pnputil.exe', '/scan-devices']]);
  });

  it('exception: "any device until 17:00" lifts the storage deny; a serial exception admits that stick only', () => {
    const device = policy('device:\n  default: { mode: block }\n');
    const anyDevice: DeviceException = { id: 'ex-1', mode: 'allow', untilMs: 2_000 };
    const lifted = installListsPlan(listsForBaseline(deviceBaseline(device, [anyDevice], [])));
    expect(lines(lifted)).toContain(`reg.exe delete ${R} /v DenyDeviceIDs /f`);
    expect(lines(lifted)).toContain(`reg.exe delete ${R}\\DenyDeviceIDs /f`);
    expect(lines(lifted).some((l) => l.includes('Class_08'))).toBe(false);
    expect(lifted.commands).toEqual([['pnputil.exe', '/scan-devices']]);

    const visitor = sampleStick({ busPath: 'USB\\VID_0781&PID_5581\\VISITOR1', serial: 'VISITOR1' });
    const one = deviceBaseline(device, [{ id: 'ex-2', mode: 'allow', serial: 'VISITOR1', untilMs: 2_000 }], [visitor]);
    expect(one).toEqual({ denyStorage: true, allowed: [{ vendorId: '0781', productId: '5581', serial: 'VISITOR1' }] });
    expect(lines(installListsPlan(listsForBaseline(one)))).toContain(`reg.exe add ${R}\\AllowInstanceIDs /v 1 /t REG_SZ /d USB\\VID_0781&PID_5581\\VISITOR1 /f`);
  });

  it('read-only: Deny_Write on, the volume dismounted so it remounts under it; off again removes the value', () => {
    expect(lines(readOnlyPlan(true, 'E:\\'))).toEqual([
      `reg.exe add ${RSD} /v Deny_Write /t REG_DWORD /d 1 /f`,
      'fsutil.exe volume dismount E:',
    ]);
    expect(lines(readOnlyPlan(false))).toEqual([`reg.exe delete ${RSD} /v Deny_Write /f`]);
  });

  it('uninstall: every value the agent writes is removed, USBSTOR back to on-demand, devices rescanned', () => {
    const plan = uninstallPlan();
    const written = new Set([
      ...installListsPlan({ denyStorage: true, allowInstanceIds: ['A'], denyInstanceIds: ['B'] }).registry,
      ...readOnlyPlan(true).registry,
    ].filter((c) => c.op === 'set').map((c) => `${c.key.replace(/\\(AllowInstanceIDs|DenyInstanceIDs|DenyDeviceIDs)$/, '')}|${c.key.endsWith('IDs') ? '(list)' : c.name}`));
    const removed = new Set(plan.registry.flatMap((c) => c.op === 'delete-value' ? [`${c.key}|${c.name}`] : c.op === 'delete-key' ? [`${c.key.replace(/\\[^\\]+$/, '')}|(list)`] : []));
    for (const value of written) expect(removed, value).toContain(value);
    expect(lines(plan)).toContain('reg.exe add HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR /v Start /t REG_DWORD /d 3 /f');
    expect(plan.commands).toEqual([['pnputil.exe', '/scan-devices']]);
  });

  it('the MSI runs exactly the uninstall plan (installers/windows/revert-device-policy.ps1 is generated from it)', () => {
    const script = readFileSync(new URL('../../../../installers/windows/revert-device-policy.ps1', import.meta.url), 'utf8');
    expect(script.split('\r\n').filter((l) => l.startsWith('& ')).join('\r\n')).toBe(planAsPowerShell(uninstallPlan()));
  });
});

describe('RegistryDeviceEnforcer (recorded commands)', () => {
  it('per-device decisions join the instance-id lists; each result says what changed', async () => {
    const { calls, run } = recorder();
    const enforcer = new RegistryDeviceEnforcer(run);
    expect(await enforcer.applyBaseline({ denyStorage: true, allowed: [] })).toEqual({ ok: true, detail: 'Windows refuses USB storage (USB\\Class_08, also already installed)' });
    const kingston = sampleStick({ vendorId: '0951', productId: '1666', serial: '', busPath: 'USB\\VID_0951&PID_1666\\7&1E3A8971&0&2' });
    const result = await enforcer.applyDevice(kingston, 'allow');
    expect(result.detail).toBe('Windows refuses USB storage (USB\\Class_08, also already installed); except 1 allowed device(s): USB\\VID_0951&PID_1666\\7&1E3A8971&0&2');
    expect(calls).toContain(`reg.exe add ${R}\\AllowInstanceIDs /v 1 /t REG_SZ /d USB\\VID_0951&PID_1666\\7&1E3A8971&0&2 /f`);
    expect(calls.at(-1)).toBe('pnputil.exe /scan-devices');
    await enforcer.applyDevice(kingston, 'block');
    expect(enforcer.lists).toEqual({ denyStorage: true, allowInstanceIds: [], denyInstanceIds: ['USB\\VID_0951&PID_1666\\7&1E3A8971&0&2'] });
    expect(calls).toContain(`reg.exe add ${R} /v DenyInstanceIDsRetroactive /t REG_DWORD /d 1 /f`);
    // A later baseline keeps the per-device decision.
    await enforcer.applyBaseline({ denyStorage: false, allowed: [] });
    expect(enforcer.lists.denyInstanceIds).toEqual(['USB\\VID_0951&PID_1666\\7&1E3A8971&0&2']);
  });

  it('a refused write (not elevated) is reported, a missing value to delete is not an error', async () => {
    const denied = recorder((line) => line.startsWith('reg.exe add'));
    expect(await new RegistryDeviceEnforcer(denied.run).applyBaseline({ denyStorage: true, allowed: [] }))
      .toEqual({ ok: false, detail: expect.stringContaining('Access is denied') });
    const absent = recorder((line) => line.startsWith('reg.exe delete'));
    expect((await new RegistryDeviceEnforcer(absent.run).applyBaseline({ denyStorage: false, allowed: [] })).ok).toBe(true);
    expect((await new RegistryDeviceEnforcer(absent.run).applyMount({ mountPoint: '/media/x', filesystem: 'vfat', blockDevice: 'x', sizeBytes: 1, label: '', readOnly: false }, 'block')).ok).toBe(false);
  });

  it('driven by DeviceControl: the policy becomes the OS baseline at start, a user-bound stick is admitted when its user is logged in', async () => {
    const { calls, run } = recorder();
    const enforcer = new RegistryDeviceEnforcer(run);
    const holder = new PolicyHolder(effectivePolicyFor(parsePolicySources([{ name: 'd.yaml', text: [
      'device:', '  default: { mode: block }', '  allow:', '    - { name: tanaka, vendor_id: "0951", product_id: "1666", users: [tanaka] }',
    ].join('\n') }]), 'PC-1', 1));
    const control = new DeviceControl({ policy: holder, enforcer, emit: () => 0, user: () => 'CORP\\tanaka' });
    const abort = new AbortController();
    control.start(abort.signal);
    await control.idle();
    expect(enforcer.lists).toEqual({ denyStorage: true, allowInstanceIds: [], denyInstanceIds: [] });
    const stick = sampleStick({ vendorId: '0951', productId: '1666', serial: 'K1', busPath: 'USB\\VID_0951&PID_1666\\K1' });
    const attached: UsbObservation = { type: 'attached', device: stick };
    await control.handle(attached);
    abort.abort();
    expect(enforcer.lists.allowInstanceIds).toEqual(['USB\\VID_0951&PID_1666\\K1']);
    expect(calls.filter((c) => c === 'pnputil.exe /scan-devices')).toHaveLength(1);
  });
});
