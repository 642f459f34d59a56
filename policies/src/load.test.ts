import { describe, expect, it } from 'vitest';
import { PolicyValidationError, loadPolicyDir, parsePolicySources } from './load.ts';
import { effectivePolicyFor } from './effective.ts';
import { defaultPolicyDir } from './index.ts';

describe('policy loading', () => {
  it('loads the shipped default policy', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    expect(set.device.default.mode).toBe('block');
  });

  it('names file, line and field for a bad value', () => {
    const text = 'device:\n  default:\n    mode: blok\n';
    try {
      parsePolicySources([{ name: 'device.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      const [problem] = (error as PolicyValidationError).problems;
      expect(problem).toMatchObject({ file: 'device.yaml', line: 3, field: 'device.default.mode' });
      expect((error as Error).message).toMatch(/^device\.yaml:3:\d+: device\.default\.mode: /);
    }
  });

  it('reports YAML syntax errors and unknown keys with their lines', () => {
    expect(() => parsePolicySources([{ name: 'a.yaml', text: 'device: [\n' }])).toThrow(/^a\.yaml:\d+:\d+/);
    expect(() => parsePolicySources([{ name: 'b.yaml', text: 'purpose:\n  en: x\n  fr: y\n' }])).toThrow(/b\.yaml:2:\d+: purpose: .*fr/);
  });

  it('refuses the same section in two files', () => {
    expect(() => parsePolicySources([
      { name: 'a.yaml', text: 'device: {}\n' }, { name: 'b.yaml', text: 'device: {}\n' },
    ])).toThrow(/b\.yaml:1:\d+: device: section already defined in a\.yaml/);
  });

  it('resolves PC over group over default, and binds allow-list entries to PCs', () => {
    const set = parsePolicySources([{ name: 'd.yaml', text: [
      'device:',
      '  default: { mode: block }',
      '  groups: { reception: { mode: read_only, pcs: [PC-RECEPTION-1, PC-2] } }',
      '  pcs: { PC-2: { mode: allow } }',
      '  allow:',
      '    - { name: company stick, vendor_id: "0781", serial: ABC123 }',
      '    - { name: lab only, vendor_id: "0951", pcs: [PC-LAB] }',
    ].join('\n') }]);
    expect(effectivePolicyFor(set, 'PC-1', 1).device).toMatchObject({ mode: 'block', rule: 'device.default' });
    expect(effectivePolicyFor(set, 'PC-RECEPTION-1', 1).device).toMatchObject({ mode: 'read_only', rule: 'device.groups.reception' });
    expect(effectivePolicyFor(set, 'PC-2', 1).device).toMatchObject({ mode: 'allow', rule: 'device.pcs.PC-2' });
    expect(effectivePolicyFor(set, 'PC-1', 1).device.allow.map((a) => a.name)).toEqual(['company stick']);
    expect(effectivePolicyFor(set, 'PC-LAB', 1).device.allow).toHaveLength(2);
  });
});
