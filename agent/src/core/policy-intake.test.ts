import { describe, expect, it } from 'vitest';
import { defaultPolicyDir, effectivePolicyFor, parsePolicySources, readPolicyDir, type EffectivePolicy } from '@mamori/policies';
import type { EventDraft } from './event-draft.ts';
import { PolicyHolder } from './policy-holder.ts';
import { createPolicyIntake } from './policy-intake.ts';

const set = parsePolicySources([{ name: 'device.yaml', text: 'device:\n  default: { mode: block }\n  pcs: { PC-1: { mode: read_only } }\n' }]);
/** A policy as it arrives on the wire: the collector's effective policy through JSON. */
const pushed = (version: number, edit: (policy: Record<string, unknown>) => void = () => undefined): unknown => {
  const policy = JSON.parse(JSON.stringify(effectivePolicyFor(set, 'PC-1', version))) as Record<string, unknown>;
  edit(policy);
  return policy;
};

function intake() {
  const events: EventDraft[] = [];
  const saved: EffectivePolicy[] = [];
  const logged: string[] = [];
  const policy = new PolicyHolder();
  const applied: EffectivePolicy[] = [];
  policy.subscribe((next) => applied.push(next));
  const take = createPolicyIntake({
    policy, save: (next) => saved.push(next), record: (event) => events.push(event), log: (line) => logged.push(line), agentVersion: '1.0.0',
  });
  return { take, policy, events, saved, logged, applied };
}

describe('policy pushed by the collector', () => {
  it('is applied, saved and journaled when valid', () => {
    const { take, policy, events, saved } = intake();
    take(pushed(3));
    expect(policy.current()).toMatchObject({ version: 3, pc: 'PC-1', device: { mode: 'read_only', rule: 'device.pcs.PC-1' } });
    expect(saved.map((p) => p.version)).toEqual([3]);
    expect(events.map((e) => e.lifecycle?.kind)).toEqual(['POLICY_APPLIED']);
  });

  it('is refused when invalid: the previous policy stays in force, and the refusal is logged and journaled naming the field', () => {
    const { take, policy, events, saved, logged, applied } = intake();
    take(pushed(3));
    const broken = [
      pushed(4, (p) => { (p.device as Record<string, unknown>).mode = 'open_sesame'; }),
      pushed(5, (p) => { delete p.device; }),
      pushed(6, (p) => { ((p.device as Record<string, unknown>).exceptions as unknown[]).push({ id: 'x', mode: 'allow', untilMs: 'tomorrow' }); }),
      pushed(7, (p) => { p.version = -1; }),
      'not a policy',
    ];
    for (const policyJson of broken) take(policyJson);

    expect(policy.current()).toMatchObject({ version: 3, device: { mode: 'read_only' } });
    expect(applied.map((p) => p.version)).toEqual([3]);
    expect(saved.map((p) => p.version)).toEqual([3]);
    const refusals = events.filter((e) => e.policyDecision?.decision === 'policy_rejected').map((e) => e.policyDecision!);
    expect(refusals).toHaveLength(broken.length);
    expect(refusals.every((r) => r.subject === 'policy' && r.rule === 'policy.schema')).toBe(true);
    expect(refusals[0]!.detail).toMatch(/^policy version 4 refused, the one in force stays \(version 3\): device\.mode: /);
    expect(refusals[1]!.detail).toMatch(/version 5 .*: device: /);
    expect(refusals[2]!.detail).toMatch(/version 6 .*: device\.exceptions\.0\.untilMs: /);
    expect(refusals[3]!.detail).toMatch(/: version: /);
    expect(logged).toHaveLength(broken.length);
    expect(logged[0]).toMatch(/^the policy pushed by the collector is invalid and was not applied: policy version 4 refused/);
  });

  it('journals a refused policy once however often it is pushed again, and applies the next valid one', () => {
    const { take, policy, events } = intake();
    take(pushed(3));
    const bad = pushed(4, (p) => { (p.device as Record<string, unknown>).mode = 'open_sesame'; });
    take(bad);
    take(JSON.parse(JSON.stringify(bad)));
    expect(events.filter((e) => e.policyDecision?.decision === 'policy_rejected')).toHaveLength(1);
    take(pushed(5));
    expect(policy.current()?.version).toBe(5);
  });

  it('accepts every policy the collector makes from the shipped defaults, exceptions included', () => {
    const { take, policy } = intake();
    const shipped = parsePolicySources(readPolicyDir(defaultPolicyDir));
    take(JSON.parse(JSON.stringify(effectivePolicyFor(shipped, 'PC-2', 9,
      [{ id: 'e1', mode: 'allow', serial: 'SN-1', untilMs: 1_000, reason: 'visitor', createdBy: 'admin' }],
      [{ id: 'u1', domain: 'example.com', untilMs: 1_000, reason: '', createdBy: 'admin' }]))));
    expect(policy.current()).toMatchObject({ version: 9, device: { exceptions: [{ id: 'e1' }] }, upload_exceptions: [{ id: 'u1' }] });
  });
});
