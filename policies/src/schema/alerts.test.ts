import { describe, expect, it } from 'vitest';
import { PolicyValidationError, loadPolicyDir, parsePolicySources } from '../load.ts';
import { defaultPolicyDir } from '../index.ts';

function problems(name: string, text: string) {
  try {
    parsePolicySources([{ name, text }]);
  } catch (error) {
    if (error instanceof PolicyValidationError) return error.problems.map((p) => ({ line: p.line, field: p.field, message: p.message }));
    throw error;
  }
  return [];
}

describe('alerts and notifications sections', () => {
  it('ships severities with colours, built-in rules and recipient groups', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    expect(set.alerts.colors).toEqual({ critical: '#d32f2f', high: '#f57c00', medium: '#fbc02d', low: '#1976d2', info: '#9e9e9e' });
    expect(set.alerts.builtin.agent_offline).toMatchObject({ enabled: true, after: 30 * 60_000, severity: 'high', not_reporting_after: 3 * 86_400_000 });
    expect(set.alerts.rules.map((r) => r.id)).toEqual(expect.arrayContaining([
      'agent_stopped', 'agent_uninstalled', 'device_blocked', 'bulk_usb_copy', 'large_print_job', 'mail_attachment_external', 'upload_personal_cloud',
    ]));
    expect(set.alerts.rules.find((r) => r.id === 'bulk_usb_copy')!.threshold).toEqual({ more_than: 100, window: 600_000, per: ['pc', 'user'] });
    expect(Object.keys(set.notifications.groups)).toEqual(['managers', 'it']);
  });

  it('names the line and field of bad severities, colours, durations, calendars and references', () => {
    const text = [
      'alerts:', //                                   1
      '  colors: { critical: red }', //              2
      '  calendar: { timezone: Mars/Olympus, start: "8:00" }', // 3
      '  rules:', //                                  4
      '    - id: a', //                               5
      '      name: A', //                             6
      '      severity: urgent', //                    7
      '      match: { kind: mail, watch_lists: [leavers] }', // 8
      '      threshold: { more_than: 5, window: 10 minutes }', // 9
      '    - id: a', //                               10
      '      name: B', //                             11
      '      severity: low', //                       12
      '      match: { kind: mail }', //               13
      '      unless_allowed: [{ field: to, lists: [nowhere] }]', // 14
    ].join('\n');
    expect(problems('alerts.yaml', text)).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 2, field: 'alerts.colors.critical' }),
      expect.objectContaining({ line: 3, field: 'alerts.calendar.timezone' }),
      expect.objectContaining({ line: 3, field: 'alerts.calendar.start' }),
      expect.objectContaining({ line: 7, field: 'alerts.rules.0.severity' }),
      expect.objectContaining({ line: 9, field: 'alerts.rules.0.threshold.window' }),
    ]));
    // Cross-references are checked once the shapes are right.
    const refs = text.split('\n').filter((_, i) => ![1, 2, 8].includes(i)).join('\n').replace('urgent', 'high');
    expect(problems('alerts.yaml', refs)).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'alerts.rules.0.match.watch_lists', message: 'unknown watch-list leavers' }),
      expect.objectContaining({ field: 'alerts.rules.1.id', message: 'duplicate rule id a' }),
      expect.objectContaining({ field: 'alerts.rules.1.unless_allowed.0.lists', message: 'unknown allow-list nowhere' }),
    ]));
  });

  it('ships a severity per integrity finding kind (tampering critical) and names the line of a bad one', () => {
    const tamper = loadPolicyDir(defaultPolicyDir).alerts.builtin.tamper;
    expect(tamper.default_severity).toBe('critical');
    expect(tamper.severity).toMatchObject({ signature_invalid: 'critical', chain_break: 'critical', fork: 'critical', sequence_gap: 'critical', out_of_order: 'medium', stream_auth_failed: 'high' });
    const text = 'alerts:\n  builtin:\n    tamper:\n      severity:\n        chain_break: urgent\n';
    expect(problems('alerts.yaml', text)).toEqual([expect.objectContaining({ line: 5, field: 'alerts.builtin.tamper.severity.chain_break' })]);
    expect(parsePolicySources([{ name: 'alerts.yaml', text: 'alerts: {}\n' }]).alerts.builtin.tamper).toMatchObject({ default_severity: 'critical', severity: {} });
  });

  it('names the line and field of bad recipients and severities in notifications', () => {
    const text = 'notifications:\n  groups:\n    managers:\n      recipients: [boss]\n      min_severity: urgent\n';
    expect(problems('notifications.yaml', text)).toEqual([
      expect.objectContaining({ line: 4, field: 'notifications.groups.managers.recipients.0' }),
      expect.objectContaining({ line: 5, field: 'notifications.groups.managers.min_severity' }),
    ]);
  });
});
