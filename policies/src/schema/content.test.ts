import { describe, expect, it } from 'vitest';
import { defaultPolicyDir } from '../index.ts';
import { loadPolicyDir, parsePolicySources, PolicyValidationError } from '../load.ts';

describe('content section', () => {
  it('ships a personal-data-list rule that blocks mail and raises the severity to high', () => {
    const rule = loadPolicyDir(defaultPolicyDir).content.rules.find((r) => r.name === 'personal_data_list');
    expect(rule).toMatchObject({ detector: 'my_number', min_count: 10, severity: 'high', mail: 'block' });
  });

  it('rejects a rule with two matchers, an unknown fingerprint and an unknown key, with file and line', () => {
    const text = [
      'content:', '  rules:', '    - name: both', '      detector: my_number', '      keywords: [x]',
      '    - name: doc', '      fingerprint: missing', '  limitz: {}',
    ].join('\n');
    try {
      parsePolicySources([{ name: 'content.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      expect((error as PolicyValidationError).problems.map((p) => `${p.line}:${p.field}:${p.message}`)).toEqual([
        '3:content.rules.0:a content rule needs exactly one of detector, keywords, regex or fingerprint',
        '2:content:Unrecognized key: "limitz"',
        '7:content.rules.1.fingerprint:unknown fingerprint missing',
      ]);
    }
  });

  it('rejects fingerprint hashes that are not base64 of 32-bit values', () => {
    const text = 'content:\n  fingerprints:\n    - name: spec\n      hashes: "not base64!"\n';
    expect(() => parsePolicySources([{ name: 'c.yaml', text }])).toThrow(/c\.yaml:4:.*content\.fingerprints\.0\.hashes/);
  });
});
