import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources, type DeviceException } from '@mamori/policies';
import { VirtualUsbLab, canMountVirtualSticks } from '@mamori/test';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import { DeviceControl } from '../../../control/common/device-control.ts';
import { LinuxDeviceEnforcer } from '../../../control/linux/linux-enforcer.ts';
import { MountHub } from '../../../core/removable-media/mount-hub.ts';
import { UsbSensor } from '../common/usb-sensor.ts';
import { SysfsUsbSource } from './sysfs-usb-source.ts';

const policyYaml = [
  'device:',
  '  default: { mode: block }',
  '  groups: { reception: { mode: read_only, pcs: [PC-RECEPTION] } }',
  '  pcs: { PC-LAB: { mode: audit } }',
  '  allow: [ { name: company sticks, serial: COMPANY-0001 } ]',
].join('\n');
const set = parsePolicySources([{ name: 'device.yaml', text: policyYaml }]);

async function until<T>(what: string, probe: () => T | undefined | false, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!canMountVirtualSticks() && process.env.CI !== 'true')('Linux USB sensor with a virtual stick', () => {
  let lab: VirtualUsbLab;
  const running: AbortController[] = [];

  beforeAll(() => { lab = new VirtualUsbLab(); });
  afterAll(() => {
    for (const controller of running) controller.abort();
    lab.dispose();
  });

  /** A running usb sensor for PC `pc`; `device()` finds events about the stick with `serial`. */
  function agent(pc: string, serial: string, exceptions: DeviceException[] = []) {
    const events: EventDraft[] = [];
    const policy = new PolicyHolder(effectivePolicyFor(set, pc, 1, exceptions));
    const mounts = new MountHub();
    const emit = (event: EventDraft) => { events.push(event); return events.length; };
    const control = new DeviceControl({
      policy, mounts, user: () => 'hanako', emit, enforcer: new LinuxDeviceEnforcer({ sysRoot: lab.sysRoot, prefer: 'sysfs' }),
    });
    const sensor = new UsbSensor({ source: new SysfsUsbSource({ sysRoot: lab.sysRoot, hotplug: false, pollMs: 50 }), control });
    const controller = new AbortController();
    running.push(controller);
    const started = sensor.start(emit, controller.signal);
    const device = (action: string, mountPoint?: string) => events.find((e) => e.device?.action === action
      && e.device.device?.serial === serial && (mountPoint === undefined || e.device.mountPoint === mountPoint))?.device;
    return { events, policy, mounts, sensor, controller, started, device };
  }

  it('detects attach and mount with every field (audit: only logs)', async () => {
    const stick = lab.stick({ busPath: '1-1', label: 'AUDITED', serial: 'SERIAL-AUDIT' });
    const { started, device, events, mounts, controller } = agent('PC-LAB', 'SERIAL-AUDIT');
    expect((await started).state).toBe('running');
    stick.attach().mount();
    const mounted = await until('MOUNTED', () => device('MOUNTED'));
    expect(device('ATTACHED')).toEqual({
      action: 'ATTACHED',
      device: { vendorId: '0781', productId: '5581', serial: 'SERIAL-AUDIT', vendor: 'SanDisk', product: 'Ultra', deviceClass: '00', interfaceClasses: ['08'], busPath: '1-1' },
    });
    expect(mounted).toMatchObject({
      mountPoint: stick.mountPoint, filesystem: 'ext4', blockDevice: stick.blockDevice, label: 'AUDITED',
      device: { serial: 'SERIAL-AUDIT', busPath: '1-1' },
    });
    expect(mounted!.sizeBytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(device('ALLOWED')).toMatchObject({ rule: 'device.pcs.PC-LAB', message: expect.stringMatching(/^audit/) });
    expect(events.every((e) => e.device?.action !== 'BLOCKED')).toBe(true);
    expect(stick.isMounted() && !stick.isReadOnly()).toBe(true);
    writeFileSync(join(stick.mountPoint, 'written.txt'), 'audit mode lets writes through');
    expect(mounts.current().map((m) => m.mountPoint)).toEqual([stick.mountPoint]);
    stick.unmount();
    await until('UNMOUNTED', () => device('UNMOUNTED'));
    stick.detach();
    await until('DETACHED', () => device('DETACHED'));
    controller.abort();
    stick.dispose();
  });

  it('block: nothing of the stick stays mounted, the device is deauthorized and the block is recorded', async () => {
    const stick = lab.stick({ busPath: '1-2', label: 'BLOCKME', serial: 'SERIAL-BLOCK' });
    const { started, device, events, controller } = agent('PC-1', 'SERIAL-BLOCK');
    await started;
    stick.attach();
    await until('BLOCKED on attach', () => device('BLOCKED'));
    expect(device('BLOCKED')).toMatchObject({ rule: 'device.default', device: { serial: 'SERIAL-BLOCK' } });
    await until('deauthorized', () => stick.authorized() === '0');
    stick.mount(); // what an automounter racing the block would do
    const blocked = await until('BLOCKED on mount', () => device('BLOCKED', stick.mountPoint));
    expect(blocked!.rule).toBe('device.default');
    await until('UNMOUNTED', () => device('UNMOUNTED'));
    expect(stick.isMounted()).toBe(false);
    const order = events.map((e) => e.device?.action);
    expect(order.indexOf('MOUNTED')).toBeLessThan(order.lastIndexOf('BLOCKED'));
    expect(order.lastIndexOf('BLOCKED')).toBeLessThan(order.indexOf('UNMOUNTED'));
    controller.abort();
    stick.dispose();
  });

  it('read_only: the mount is remounted read-only and a write fails', async () => {
    const stick = lab.stick({ busPath: '1-3', label: 'RECEPT', serial: 'SERIAL-RO' });
    const { started, device, controller } = agent('PC-RECEPTION', 'SERIAL-RO');
    await started;
    stick.attach().mount();
    await until('READ_ONLY on mount', () => device('READ_ONLY', stick.mountPoint));
    await until('read-only remount', () => stick.isReadOnly());
    expect(stick.authorized()).toBe('1');
    expect(() => writeFileSync(join(stick.mountPoint, 'x.txt'), 'nope')).toThrow(/EROFS|read-only/);
    expect(device('READ_ONLY')).toMatchObject({ rule: 'device.groups.reception' });
    controller.abort();
    stick.dispose();
  });

  it('an allow-listed serial mounts and stays writable on a blocking PC', async () => {
    const stick = lab.stick({ busPath: '1-4', label: 'COMPANY', serial: 'COMPANY-0001', filesystem: 'tmpfs' });
    const { started, device, controller, mounts } = agent('PC-1', 'COMPANY-0001');
    await started;
    stick.attach().mount();
    await until('MOUNTED', () => device('MOUNTED'));
    expect(device('ALLOWED')).toMatchObject({ rule: 'device.allow.company sticks' });
    expect(stick.isMounted() && !stick.isReadOnly()).toBe(true);
    expect(stick.authorized()).toBe('1');
    writeFileSync(join(stick.mountPoint, 'ok.txt'), 'allowed');
    await until('published mount', () => mounts.current().length === 1);
    controller.abort();
    stick.dispose();
  });

  it('an exception applied to a running agent takes effect at once and ends at its expiry (agent clock)', async () => {
    const stick = lab.stick({ busPath: '1-5', label: 'VISITOR', serial: 'VISITOR-77' });
    const { started, device, events, policy, controller } = agent('PC-1', 'VISITOR-77');
    await started;
    stick.attach();
    await until('BLOCKED', () => device('BLOCKED'));
    await until('deauthorized', () => stick.authorized() === '0');
    const untilMs = Date.now() + 2_500;
    const pushedAt = performance.now();
    // What the uplink does when the collector pushes a PolicyUpdate carrying the new exception.
    policy.apply(effectivePolicyFor(set, 'PC-1', 2, [{ id: 'visitor', serial: 'VISITOR-77', mode: 'allow', untilMs, createdBy: 'admin' }]));
    await until('authorized again', () => stick.authorized() === '1');
    const appliedMs = performance.now() - pushedAt;
    console.log(`exception applied on the agent in ${appliedMs.toFixed(1)} ms`);
    expect(device('ALLOWED')).toMatchObject({ rule: 'device.exceptions.visitor' });
    expect(events.find((e) => e.policyDecision?.decision === 'exception_applied')!.policyDecision).toMatchObject({ rule: 'device.exceptions.visitor', untilMs });
    stick.mount();
    await until('MOUNTED', () => device('MOUNTED'));
    expect(stick.isMounted()).toBe(true);
    // No new policy arrives: the agent's own timer ends the exception.
    await until('exception expiry', () => events.find((e) => e.policyDecision?.decision === 'exception_expired'), 10_000);
    await until('re-blocked', () => stick.authorized() === '0' && !stick.isMounted());
    expect(Date.now()).toBeGreaterThanOrEqual(untilMs);
    const blocks = events.filter((e) => e.device?.action === 'BLOCKED');
    expect(blocks.at(-1)!.device).toMatchObject({ rule: 'device.default' });
    controller.abort();
    stick.dispose();
  });
});
