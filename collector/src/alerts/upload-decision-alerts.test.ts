import { describe, expect, it } from 'vitest';
import { defaultPolicyDir, readPolicyDir, parsePolicySources } from '@mamori/policies';
import { RuleEngine } from './rule-engine.ts';
import { engineEvent, policyFrom } from './test-support.ts';

// A Tuesday in Tokyo, working hours, and the same day at 23:00.
const tue10 = Date.parse('2026-03-03T10:00:00+09:00');
const tue23 = Date.parse('2026-03-03T23:00:00+09:00');

const decision = (outcome: string, category: string, detail = `plan.xlsx (1200 bytes) via input into example.com (${category})`) => ({
  subject: 'upload', decision: outcome, rule: `upload.enforcement.categories.${category}`, detail, untilMs: 0, category,
});

describe('upload enforcement alerts (shipped alerts.yaml)', () => {
  const engine = () => new RuleEngine(parsePolicySources(readPolicyDir(defaultPolicyDir)));

  it('alerts a block, an override (higher) and an exception used; an audit or cancel alerts nothing', () => {
    const rules = engine();
    const fired = (outcome: string, at = tue10) => rules.evaluate(engineEvent('policy_decision', decision(outcome, 'file_transfer'), at, { user: `u-${outcome}-${at}` }));
    expect(fired('block')).toEqual([expect.objectContaining({
      ruleId: 'upload_blocked', severity: 'medium',
      title: 'Upload blocked by policy: block plan.xlsx (1200 bytes) via input into example.com (file_transfer)',
    })]);
    expect(fired('warn_confirmed')).toEqual([expect.objectContaining({ ruleId: 'upload_warning_overridden', severity: 'high' })]);
    expect(fired('exception_applied')).toEqual([expect.objectContaining({ ruleId: 'upload_exception_used', severity: 'low' })]);
    expect(fired('audit')).toEqual([]);
    expect(fired('warn_cancelled')).toEqual([]);
    // Off-hours raise one level.
    expect(fired('block', tue23)).toEqual([expect.objectContaining({ ruleId: 'upload_blocked', severity: 'high' })]);
  });

  it('a device decision is not an upload alert', () => {
    expect(engine().evaluate(engineEvent('policy_decision', { subject: 'device', decision: 'block', rule: 'device.default', detail: '' }, tue10))).toEqual([]);
  });
});

describe('upload alerts narrowed to chosen categories', () => {
  it('a rule on the decision’s category fires only for those categories', () => {
    const rules = new RuleEngine(policyFrom(`
alerts:
  rules:
    - id: ai_override
      name: Generative AI warning overridden
      severity: critical
      match: { kind: policy_decision, fields: { subject: upload, decision: warn_confirmed, category: { in: [generative_ai] } } }
`));
    expect(rules.evaluate(engineEvent('policy_decision', decision('warn_confirmed', 'personal_cloud'), tue10))).toEqual([]);
    expect(rules.evaluate(engineEvent('policy_decision', decision('warn_confirmed', 'generative_ai'), tue10))).toEqual([
      expect.objectContaining({ ruleId: 'ai_override', severity: 'critical' }),
    ]);
  });
});
