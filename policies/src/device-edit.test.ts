import { describe, expect, it } from 'vitest';
import { DevicePolicyEditError, registerStick, setDeviceMode } from './device-edit.ts';
import { effectivePolicyFor } from './effective.ts';
import { defaultPolicyDir } from './index.ts';
import { parsePolicySources, readPolicyDir } from './load.ts';

const shipped = readPolicyDir(defaultPolicyDir);
const deviceText = (sources: { name: string; text: string }[]) => sources.find((s) => s.name === 'device.yaml')!.text;

describe('device policy edits from the console', () => {
  it('sets one PC read-only, keeps every comment, and the result resolves to that PC rule', () => {
    const edited = setDeviceMode(shipped, { kind: 'pc', name: 'PC-ACCT-07' }, 'read_only');
    const set = parsePolicySources(edited);
    expect(effectivePolicyFor(set, 'PC-ACCT-07', 2).device).toMatchObject({ mode: 'read_only', rule: 'device.pcs.PC-ACCT-07' });
    expect(effectivePolicyFor(set, 'PC-OTHER', 2).device).toMatchObject({ mode: 'block', rule: 'device.default' });
    expect(deviceText(edited)).toContain('# Precedence on the PC: a temporary exception');
    expect(deviceText(edited)).toContain('PC-ACCT-07:\n      mode: read_only');
    // Other files are left byte for byte.
    expect(edited.filter((s) => s.name !== 'device.yaml')).toEqual(shipped.filter((s) => s.name !== 'device.yaml'));
  });

  it('inherit removes the PC override so the group or default decides again', () => {
    const once = setDeviceMode(shipped, { kind: 'pc', name: 'PC-1' }, 'allow');
    const back = parsePolicySources(setDeviceMode(once, { kind: 'pc', name: 'PC-1' }, 'inherit'));
    expect(back.device.pcs).toEqual({});
    expect(effectivePolicyFor(back, 'PC-1', 3).device.rule).toBe('device.default');
  });

  it('changes a group mode and refuses a group that does not exist', () => {
    const set = parsePolicySources(setDeviceMode(shipped, { kind: 'group', name: 'reception' }, 'audit'));
    expect(set.device.groups.reception!.mode).toBe('audit');
    expect(() => setDeviceMode(shipped, { kind: 'group', name: 'nope' }, 'allow')).toThrow(DevicePolicyEditError);
  });

  it('registers a company stick bound to PCs and users, replacing an earlier entry for the same serial', () => {
    const once = registerStick(shipped, { name: 'finance stick', serial: 'SN-1', vendor_id: '0781', product_id: '5581', mode: 'allow', pcs: ['PC-ACCT-07'], users: ['tanaka'] });
    const twice = registerStick(once, { name: 'finance stick', serial: 'SN-1', mode: 'read_only' });
    const set = parsePolicySources(twice);
    expect(set.device.allow).toEqual([{ name: 'finance stick', serial: 'SN-1', mode: 'read_only' }]);
    const bound = parsePolicySources(once);
    expect(effectivePolicyFor(bound, 'PC-ACCT-07', 2).device.allow).toEqual([{ name: 'finance stick', vendor_id: '0781', product_id: '5581', serial: 'SN-1', mode: 'allow', users: ['tanaka'] }]);
    expect(effectivePolicyFor(bound, 'PC-OTHER', 2).device.allow).toEqual([]);
  });
});
