import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources, type DeviceException, type EffectivePolicy } from '@mamori/policies';
import { createUnlockCode } from '@mamori/proto';
import { PolicyHolder } from '../../core/policy-holder.ts';
import type { EventDraft } from '../../core/event-draft.ts';
import { sampleStick } from '../../core/removable-media/sample-stick.ts';
import { MountHub } from '../../core/removable-media/mount-hub.ts';
import type { MountInfo, UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';
import { decideDevice } from './decide.ts';
import { DeviceControl } from './device-control.ts';
import { RecordingEnforcer } from './enforcer.ts';
import { UnlockLedger } from './unlock-ledger.ts';

const policyYaml = [
  'device:',
  '  default: { mode: block }',
  '  groups: { reception: { mode: read_only, pcs: [PC-RECEPTION] } }',
  '  pcs: { PC-LAB: { mode: audit } }',
  '  allow:',
  '    - { name: company sticks, serial: COMPANY-1 }',
  '    - { name: kingston for tanaka, vendor_id: "0951", product_id: "1666", users: [tanaka] }',
  '    - { name: archive disk, serial: ARCH-9, mode: read_only, pcs: [PC-1] }',
].join('\n');
const set = parsePolicySources([{ name: 'device.yaml', text: policyYaml }]);
const policyFor = (pc: string, exceptions: DeviceException[] = []): EffectivePolicy => effectivePolicyFor(set, pc, 1, exceptions);

function mountOf(device = sampleStick(), overrides: Partial<MountInfo> = {}): MountInfo {
  return { mountPoint: '/media/u/STICK', filesystem: 'vfat', blockDevice: '/dev/sdb1', sizeBytes: 8e9, label: 'STICK', readOnly: false, device, ...overrides };
}

/** Device control as the usb sensor drives it: `feed` hands it observations, as an OS source would. */
async function running(pc: string, options: { user?: string; now?: () => number; ledger?: UnlockLedger; exceptions?: DeviceException[] } = {}) {
  const events: EventDraft[] = [];
  const policy = new PolicyHolder(policyFor(pc, options.exceptions));
  const mounts = new MountHub();
  const enforcer = new RecordingEnforcer();
  const control = new DeviceControl({
    policy, enforcer, mounts, user: () => options.user ?? 'suzuki', now: options.now, ledger: options.ledger,
    emit: (event) => { events.push(event); return events.length; },
  });
  const controller = new AbortController();
  // The order of emit and enforce matters: record where each enforcement happened relative to the journal.
  const enforcedAt: number[] = [];
  const original = enforcer.calls.push.bind(enforcer.calls);
  enforcer.calls.push = (...items) => { enforcedAt.push(events.length); return original(...items); };
  control.start(controller.signal);
  await control.idle();
  const feed = {
    attach: (device: UsbDeviceInfo) => void control.handle({ type: 'attached', device }),
    mount: (mount: MountInfo) => void control.handle({ type: 'mounted', mount }),
  };
  const lastEnforced = (id: string) => enforcer.calls.filter((c) => c.id === id).at(-1)?.mode;
  return { feed, control, enforcer, lastEnforced, events, policy, mounts, controller, enforcedAt, settle: () => control.idle() };
}

const actions = (events: EventDraft[]) => events.filter((e) => e.device).map((e) => e.device!.action);

describe('device decisions', () => {
  it('resolves exceptions over allow-list over PC/group/default, naming the rule', () => {
    const nowMs = 1_000;
    const ctx = { user: 'suzuki', nowMs };
    expect(decideDevice(policyFor('PC-1').device, sampleStick(), ctx)).toMatchObject({ mode: 'block', rule: 'device.default' });
    expect(decideDevice(policyFor('PC-RECEPTION').device, sampleStick(), ctx)).toMatchObject({ mode: 'read_only', rule: 'device.groups.reception' });
    expect(decideDevice(policyFor('PC-LAB').device, sampleStick(), ctx)).toMatchObject({ mode: 'audit', rule: 'device.pcs.PC-LAB' });
    expect(decideDevice(policyFor('PC-1').device, sampleStick({ serial: 'COMPANY-1' }), ctx)).toMatchObject({ mode: 'allow', rule: 'device.allow.company sticks' });
    expect(decideDevice(policyFor('PC-1').device, sampleStick({ serial: 'ARCH-9' }), ctx)).toMatchObject({ mode: 'read_only', rule: 'device.allow.archive disk' });
    expect(decideDevice(policyFor('PC-2').device, sampleStick({ serial: 'ARCH-9' }), ctx).mode).toBe('block');
    const kingston = sampleStick({ vendorId: '0951', productId: '1666', serial: '' });
    expect(decideDevice(policyFor('PC-1').device, kingston, { ...ctx, user: 'CORP\\Tanaka' }).mode).toBe('allow');
    expect(decideDevice(policyFor('PC-1').device, kingston, ctx).mode).toBe('block');
    const visitor: DeviceException = { id: 'ex-1', mode: 'allow', untilMs: 2_000 };
    const onlyOther: DeviceException = { id: 'ex-2', mode: 'read_only', serial: 'OTHER', untilMs: 5_000 };
    const decision = decideDevice(policyFor('PC-1', [visitor, onlyOther]).device, sampleStick(), ctx);
    expect(decision).toMatchObject({ mode: 'allow', rule: 'device.exceptions.ex-1', untilMs: 2_000 });
    expect(decideDevice(policyFor('PC-1', [visitor]).device, sampleStick(), { ...ctx, nowMs: 2_000 }).rule).toBe('device.default');
    expect(decideDevice(policyFor('PC-1', [visitor, onlyOther]).device, sampleStick({ serial: 'OTHER' }), ctx).rule).toBe('device.exceptions.ex-2');
  });
});

describe('device control', () => {
  it('block: journals ATTACHED then BLOCKED with the rule before enforcing, and unmounts a mount of it', async () => {
    const { feed, enforcer, events, settle, enforcedAt, mounts } = await running('PC-1');
    feed.attach(sampleStick());
    feed.mount(mountOf());
    await settle();
    expect(actions(events)).toEqual(['ATTACHED', 'BLOCKED', 'MOUNTED', 'BLOCKED']);
    expect(events[1]!.device).toMatchObject({ rule: 'device.default', device: { serial: '4C530001231120115142' } });
    expect(events[3]!.device).toMatchObject({ rule: 'device.default', mountPoint: '/media/u/STICK' });
    expect([...enforcer.calls]).toEqual([
      { target: 'device', id: '1-2', mode: 'block' }, { target: 'mount', id: '/media/u/STICK', mode: 'block' },
    ]);
    expect(enforcedAt).toEqual([2, 4]);
    expect(mounts.current()).toEqual([]);
  });

  it('read_only remounts a writable mount; allow and audit leave it and publish it for file-copy', async () => {
    const reception = await running('PC-RECEPTION');
    reception.feed.attach(sampleStick());
    reception.feed.mount(mountOf());
    await reception.settle();
    expect(actions(reception.events)).toEqual(['ATTACHED', 'READ_ONLY', 'MOUNTED', 'READ_ONLY']);
    expect(reception.lastEnforced('/media/u/STICK')).toBe('read_only');
    expect(reception.mounts.current()).toHaveLength(1);

    const lab = await running('PC-LAB');
    lab.feed.attach(sampleStick());
    lab.feed.mount(mountOf());
    await lab.settle();
    expect(actions(lab.events)).toEqual(['ATTACHED', 'ALLOWED', 'MOUNTED']);
    expect(lab.events[1]!.device!.message).toMatch(/^audit \(logged only\)/);
    expect(lab.lastEnforced('/media/u/STICK')).toBeUndefined();
    expect(lab.mounts.current()).toHaveLength(1);
  });

  it('never controls non-storage devices', async () => {
    const { feed, enforcer, events, settle } = await running('PC-1');
    feed.attach(sampleStick({ interfaceClasses: ['03'], product: 'Keyboard', busPath: '1-3' }));
    await settle();
    expect(actions(events)).toEqual(['ATTACHED']);
    expect([...enforcer.calls]).toEqual([]);
  });

  it('an exception pushed in a policy update takes effect at once and ends at its expiry by the agent clock', async () => {
    let clock = 10_000;
    const { feed, control, lastEnforced, events, settle, policy } = await running('PC-1', { now: () => clock });
    feed.attach(sampleStick());
    await settle();
    policy.apply(policyFor('PC-1', [{ id: 'visitor', mode: 'allow', serial: '4C530001231120115142', untilMs: 20_000, reason: 'visitor', createdBy: 'admin' }]));
    await settle();
    expect(events.at(-2)!.policyDecision).toMatchObject({ decision: 'exception_applied', rule: 'device.exceptions.visitor', untilMs: 20_000 });
    expect(events.at(-1)!.device).toMatchObject({ action: 'ALLOWED', rule: 'device.exceptions.visitor' });
    expect(lastEnforced('1-2')).toBe('allow');
    clock = 20_000;
    await control.reevaluate();
    expect(events.at(-2)!.policyDecision).toMatchObject({ decision: 'exception_expired', rule: 'device.exceptions.visitor' });
    expect(events.at(-1)!.device).toMatchObject({ action: 'BLOCKED', rule: 'device.default' });
    expect(lastEnforced('1-2')).toBe('block');
  });

  it('an offline unlock code unlocks once, before its expiry, and every refusal is journaled', async () => {
    let clock = Date.UTC(2026, 4, 12, 9, 0);
    const key = randomBytes(32);
    const ledger = new UnlockLedger();
    const { feed, control, events, settle } = await running('PC-1', { now: () => clock, ledger });
    feed.attach(sampleStick());
    await settle();
    const code = createUnlockCode(key, { pc: 'PC-1', serial: '4C530001231120115142', untilMs: clock + 3_600_000, nonce: 42 });
    const exception = await control.redeemUnlockCode(code, key, 'PC-1');
    expect(exception).toMatchObject({ id: 'unlock-42', serial: '4C530001231120115142', mode: 'allow' });
    expect(events.at(-1)!.device).toMatchObject({ action: 'ALLOWED', rule: 'device.exceptions.unlock-42' });
    await expect(control.redeemUnlockCode(code, key, 'PC-1')).rejects.toMatchObject({ code: 'AGENT_UNLOCK_CODE_USED' });
    expect(events.at(-1)!.policyDecision).toMatchObject({ decision: 'unlock_refused' });
    const late = createUnlockCode(key, { pc: 'PC-1', untilMs: clock + 60_000, nonce: 43 });
    clock += 120_000;
    await expect(control.redeemUnlockCode(late, key, 'PC-1')).rejects.toMatchObject({ code: 'AGENT_UNLOCK_CODE_EXPIRED' });
    await expect(control.redeemUnlockCode(late, randomBytes(32), 'PC-1')).rejects.toMatchObject({ code: 'AGENT_UNLOCK_CODE_INVALID' });
  });
});
