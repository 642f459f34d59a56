import { decodeEvent } from '@mamori/proto';
import type { ExceptionDecisionRow } from '../store/repositories/device-control.ts';

/** An exception active on a PC that the collector did not grant itself: redeemed there from an offline unlock code. */
export interface OfflineException {
  id: string;
  mode: string;
  serial: string | null;
  untilMs: number;
  appliedMs: number;
  source: 'offline_code';
}

const rulePrefix = 'device.exceptions.';

/**
 * Folds the exception decisions an agent journaled into those still in force: the last word per exception id
 * counts (an agent restart logs "applied" again, which changes nothing), and only ids the collector does not hold
 * itself are kept, because its own exceptions are listed from its table.
 */
export function activeOfflineExceptions(rows: readonly ExceptionDecisionRow[], isStored: (id: string) => boolean, nowMs: number): OfflineException[] {
  const last = new Map<string, OfflineException | null>();
  for (const row of rows) {
    let decision;
    try {
      decision = decodeEvent(row.bytes).policyDecision;
    } catch {
      continue;
    }
    if (!decision?.rule.startsWith(rulePrefix)) continue;
    const id = decision.rule.slice(rulePrefix.length);
    if (row.action !== 'exception_applied') {
      last.set(id, null);
      continue;
    }
    // The agent writes "<mode> for serial <serial>" or "<mode> for any removable device" (control/device-control.ts).
    const serial = /\bfor serial (\S+)/.exec(decision.detail)?.[1] ?? null;
    last.set(id, { id, mode: decision.detail.split(' ')[0] || 'allow', serial, untilMs: Number(decision.untilMs), appliedMs: row.timeMs, source: 'offline_code' });
  }
  return [...last.values()].filter((e): e is OfflineException => e !== null && e.untilMs > nowMs && !isStored(e.id));
}
