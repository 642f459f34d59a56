import { describe, expect, it } from 'vitest';
import { defaultPolicyDir } from '../index.ts';
import { loadPolicyDir, parsePolicySources, PolicyValidationError } from '../load.ts';

describe('upload and categories sections', () => {
  it('ship every destination category the upload feature names, and alert on the risky ones', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    for (const name of ['personal_cloud', 'webmail', 'file_transfer', 'social_media', 'generative_ai', 'code_hosting', 'organisation']) {
      expect(set.categories[name]?.length, name).toBeGreaterThan(0);
    }
    expect(set.upload.alert_categories).toContain('personal_cloud');
    expect(set.upload.own_category).toBe('organisation');
  });

  it('reject a category domain with a scheme, pointing at its file and line', () => {
    const text = 'categories:\n  webmail:\n    - mail.example.com\n    - https://bad.example.com/\n';
    try {
      parsePolicySources([{ name: 'categories.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      const problem = (error as PolicyValidationError).problems[0]!;
      expect(problem).toMatchObject({ file: 'categories.yaml', line: 4, field: 'categories.webmail.1' });
    }
  });

  it('reject unknown keys in the upload section', () => {
    expect(() => parsePolicySources([{ name: 'upload.yaml', text: 'upload:\n  alert_categoriez: []\n' }])).toThrow(/upload/);
  });
});
