import { describe, expect, it } from 'vitest';
import { defaultPolicyDir } from '../index.ts';
import { PolicyValidationError, loadPolicyDir, parsePolicySources } from '../load.ts';

describe('reports policy', () => {
  it('ships a monthly template with every inspection item and a weekly one', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    expect(set.reports.templates.monthly_inspection).toMatchObject({ schedule: 'monthly', timezone: 'Asia/Tokyo', top: 20 });
    expect(set.reports.templates.monthly_inspection!.items).toHaveLength(10);
    expect(set.reports.templates.weekly_usb!.schedule).toBe('weekly');
  });

  it('is optional: a policy without it has no templates', () => {
    const set = parsePolicySources([{ name: 'mail.yaml', text: 'mail: {}\n' }]);
    expect(set.reports.templates).toEqual({});
  });

  it('names file, line and field for an unknown item and a bad recipient', () => {
    const text = [
      'reports:',
      '  templates:',
      '    t:',
      '      title: x',
      '      items: [usb_use, usb_stick]',
      '      recipients: [not-an-address]',
    ].join('\n');
    try {
      parsePolicySources([{ name: 'reports.yaml', text }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      const problems = (error as PolicyValidationError).problems;
      expect(problems).toEqual(expect.arrayContaining([
        expect.objectContaining({ file: 'reports.yaml', line: 5, field: 'reports.templates.t.items.1' }),
        expect.objectContaining({ file: 'reports.yaml', line: 6, field: 'reports.templates.t.recipients.0' }),
      ]));
    }
  });
});
