import { describe, expect, it } from 'vitest';
import { defaultPolicyDir } from '../index.ts';
import { loadPolicyDir, parsePolicySources, PolicyValidationError } from '../load.ts';

describe('risk section', () => {
  it('ships weights for every vector and indicator family, and the shipped file equals the built-in defaults', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    expect(Object.keys(set.risk.vectors).sort()).toEqual(['cloud_upload', 'external_mail', 'print', 'usb']);
    expect(set.risk.vectors.cloud_upload.destination_factors.personal_cloud).toBe(3);
    expect(set.risk.departing.final_days).toBe(30);
    const withoutFile = parsePolicySources([]).risk;
    expect(withoutFile).toEqual(set.risk);
  });

  it('rejects an unknown key and a negative weight, pointing at file, line and field', () => {
    const text = 'risk:\n  baseline:\n    z_treshold: 3\n  signals:\n    tamper: -1\n';
    try {
      parsePolicySources([{ name: 'risk.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      const problems = (error as PolicyValidationError).problems;
      expect(problems.map((p) => [p.line, p.field])).toEqual(expect.arrayContaining([[3, 'risk.baseline'], [5, 'risk.signals.tamper']]));
    }
  });
});
