import type { ContentPolicy } from '@mamori/policies';
import { compileContentRules, type CompiledContentRules } from '../common/content-rules.ts';
import type { InspectResult, InspectSource } from './inspect.ts';

/**
 * The engine as the sensors use it: rules compiled once per policy version, and never a rejection — a file that
 * cannot be opened or parsed comes back "not inspected" with the reason, so the event is recorded either way.
 */
export class ContentInspector {
  readonly #policy: () => ContentPolicy | undefined;
  #compiled: { policy: ContentPolicy; rules: CompiledContentRules } | undefined;

  constructor(policy: () => ContentPolicy | undefined) {
    this.#policy = policy;
  }

  /** The rules in force, or undefined when inspection is off (disabled, or no rules in the policy). */
  rules(): CompiledContentRules | undefined {
    const policy = this.#policy();
    if (!policy || !policy.enabled || policy.rules.length === 0) return undefined;
    if (this.#compiled?.policy !== policy) this.#compiled = { policy, rules: compileContentRules(policy) };
    return this.#compiled.rules;
  }

  /** Inspects `source` under the current rules; undefined when inspection is off. */
  async inspect(source: InspectSource): Promise<InspectResult | undefined> {
    const rules = this.rules();
    if (!rules) return undefined;
    const started = performance.now();
    try {
      // Loaded on first use: the engine and its format libraries are a file of their own in the single executable.
      const { inspect } = await import('./inspect.ts');
      return await inspect(source, rules);
    } catch (error) {
      return {
        status: 'not_inspected', reason: `unreadable: ${(error as Error).message}`, format: 'unsupported', detectedType: '',
        findings: [], items: [], textChars: 0, elapsedMs: performance.now() - started,
      };
    }
  }
}
