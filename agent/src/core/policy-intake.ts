import { EffectivePolicySchema, type EffectivePolicy } from '@mamori/policies';
import { AgentError } from '../errors.ts';
import type { Emit } from './event-draft.ts';
import type { PolicyHolder } from './policy-holder.ts';

export interface PolicyIntakeOptions {
  policy: PolicyHolder;
  /** Keeps the applied policy across restarts (state/identity.ts savePolicy). */
  save: (policy: EffectivePolicy) => void;
  /** The recorder's record: applying and refusing a policy are both journaled. */
  record: Emit;
  log: (line: string) => void;
  agentVersion: string;
}

/**
 * Where a policy pushed by the collector enters the agent: it is checked against the policies package's schema
 * before anything enforces it. A policy that fails is refused whole (the one in force stays, so a bad push can
 * never leave a PC with no device policy or half of one), logged, and journaled as a `policy_rejected` decision
 * naming the field, so the collector shows it; the same refused policy pushed again is journaled once.
 */
export function createPolicyIntake(options: PolicyIntakeOptions): (pushed: unknown) => void {
  let lastRefused: string | undefined;
  return (pushed) => {
    const result = EffectivePolicySchema.safeParse(pushed);
    if (!result.success) {
      const text = JSON.stringify(pushed) ?? String(pushed);
      if (text === lastRefused) return;
      lastRefused = text;
      const issue = result.error.issues[0]!;
      const version = typeof (pushed as { version?: unknown } | null)?.version === 'number' ? (pushed as { version: number }).version : undefined;
      const detail = `policy${version === undefined ? '' : ` version ${version}`} refused, the one in force stays (version ${options.policy.current()?.version ?? 'none'}): ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      options.log(new AgentError('AGENT_POLICY_INVALID', detail).message);
      options.record({ policyDecision: { subject: 'policy', decision: 'policy_rejected', rule: 'policy.schema', detail } });
      return;
    }
    lastRefused = undefined;
    const next: EffectivePolicy = result.data;
    const previous = options.policy.current();
    if (previous && JSON.stringify(previous) === JSON.stringify(next)) return;
    options.save(next);
    options.record({
      lifecycle: {
        kind: 'POLICY_APPLIED', agentVersion: options.agentVersion, policyVersion: next.version,
        detail: `device mode ${next.device.mode} (${next.device.rule}), ${next.device.exceptions.length} exception(s)`,
      },
    });
    options.policy.apply(next);
  };
}
