import { severityLevels, type Severity } from '@mamori/policies';

export type { Severity };

/** 0 (info) … 4 (critical): stored beside the name so SQL can filter and order by it. */
export function severityRank(severity: Severity): number {
  return severityLevels.indexOf(severity);
}

/** Moves a severity up by `steps`, never past critical. */
export function raiseSeverity(severity: Severity, steps: number): Severity {
  return severityLevels[Math.min(severityLevels.length - 1, severityRank(severity) + Math.max(0, steps))]!;
}

export function higherSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function isSeverity(value: string): value is Severity {
  return (severityLevels as readonly string[]).includes(value);
}

/**
 * How severe an integrity finding is: tampering is critical; a seal chain that restarted (its state lost on the
 * PC, nothing proven altered) is high.
 */
export function integritySeverity(kind: string): Severity {
  return kind === 'seal_reset' ? 'high' : 'critical';
}
