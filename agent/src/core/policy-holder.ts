import type { EffectivePolicy } from '@mamori/policies';

export type PolicyListener = (policy: EffectivePolicy, previous: EffectivePolicy | undefined) => void;

/**
 * Holds the policy this agent enforces right now. Sensors and device control read `current()` and subscribe to
 * changes; the uplink (or an offline unlock) calls `apply()`. Persistence is the caller's job (see state store).
 */
export class PolicyHolder {
  #policy: EffectivePolicy | undefined;
  readonly #listeners = new Set<PolicyListener>();

  constructor(initial?: EffectivePolicy) {
    this.#policy = initial;
  }

  current(): EffectivePolicy | undefined {
    return this.#policy;
  }

  apply(policy: EffectivePolicy): void {
    const previous = this.#policy;
    this.#policy = policy;
    for (const listener of this.#listeners) listener(policy, previous);
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: PolicyListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
