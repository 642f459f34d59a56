import { describe, expect, it } from 'vitest';
import { parsePolicySources, PolicyValidationError } from '../load.ts';
import { loadPolicyDir } from '../load.ts';
import { defaultPolicyDir } from '../index.ts';

describe('print policy section', () => {
  it('ships a default with a per-job and a per-user-per-day threshold', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    expect(set.print).toMatchObject({ enabled: true, per_job: { pages: 50, action: 'alert' } });
    expect(set.print.per_user_per_day?.pages).toBeGreaterThan(0);
  });

  it('defaults to enabled with no rules when the section is absent', () => {
    const set = parsePolicySources([{ name: 'p.yaml', text: 'purpose: { en: x, ja: y }\n' }]);
    expect(set.print).toEqual({ enabled: true });
  });

  it('accepts disallowed printers with an action, defaulting to cancel', () => {
    const set = parsePolicySources([{ name: 'p.yaml', text: 'print:\n  disallowed_printers: { printers: [Home-*] }\n' }]);
    expect(set.print.disallowed_printers).toEqual({ printers: ['Home-*'], action: 'cancel' });
  });

  it('names file, line and field for an unknown action', () => {
    const text = 'print:\n  per_job:\n    pages: 10\n    action: shred\n';
    try {
      parsePolicySources([{ name: 'print.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      expect((error as PolicyValidationError).problems[0]).toMatchObject({ file: 'print.yaml', line: 4, field: 'print.per_job.action' });
    }
  });

  it('refuses a zero page threshold', () => {
    expect(() => parsePolicySources([{ name: 'p.yaml', text: 'print:\n  per_job: { pages: 0 }\n' }])).toThrow(/print\.per_job\.pages/);
  });
});
