import { z } from 'zod';
import { decideUpload, type UploadDecision, type UploadRuleTable } from '@mamori/policies';
import type { EventDraft } from '../../../core/event-draft.ts';

/**
 * What the extension tells the agent when policy stopped, questioned or audited a file entering a page. The
 * extension decided with the rules the agent gave it; the agent decides again with its own copy, and the event
 * names the agent's rule. What only the browser can know (the files, the user's choice and reason) comes from
 * the report and is recorded as such.
 */
export const DecisionReportSchema = z.object({
  reportId: z.string().min(1).max(128),
  /** Host of the frame the file was entering (an iframe's own host, not the tab's). */
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'host must be a host name'),
  pageUrl: z.string().max(2048).regex(/^https?:\/\//i, 'pageUrl must be http(s)'),
  /** block: refused; warn_confirmed / warn_cancelled: the user's answer to a warning; audit: let through, noted. */
  outcome: z.enum(['block', 'warn_confirmed', 'warn_cancelled', 'audit', 'exception_applied']),
  /** How the file was entering: chosen in a file input, dropped, pasted. */
  via: z.enum(['input', 'drop', 'paste']),
  reason: z.string().max(1000).default(''),
  files: z.array(z.object({ name: z.string().min(1).max(1024), size: z.number().int().min(0).max(2 ** 53 - 1) }).strict()).min(1).max(100),
}).strict();
export type DecisionReport = z.infer<typeof DecisionReportSchema>;

/** Turns one report into the policy_decision event journaled for it. */
export function decisionEvent(report: DecisionReport, table: UploadRuleTable, user: string, nowMs: number): { draft: EventDraft; decision: UploadDecision } {
  const decision = decideUpload(table, report.host, nowMs);
  const files = report.files.map((f) => `${f.name} (${f.size} bytes)`).join(', ');
  const reason = report.reason ? `; reason given: ${report.reason}` : '';
  // When the browser's outcome does not follow from the agent's rules (old rules in the browser, or a forged
  // report), say so: the event then records both, never quietly the browser's word alone.
  const expected = expectedOutcomes(decision.mode, decision.exceptionUntilMs !== undefined);
  const mismatch = expected.includes(report.outcome) ? '' : `; the agent's rules say ${decision.mode}`;
  return {
    decision,
    draft: {
      user,
      policyDecision: {
        subject: 'upload', decision: report.outcome, rule: decision.rule,
        detail: `${files} via ${report.via} into ${report.host} (${decision.category})${reason}${mismatch}`,
        untilMs: decision.exceptionUntilMs ?? 0, category: decision.category,
      },
    },
  };
}

function expectedOutcomes(mode: UploadDecision['mode'], exception: boolean): DecisionReport['outcome'][] {
  if (exception) return ['exception_applied'];
  if (mode === 'block') return ['block'];
  if (mode === 'warn') return ['warn_confirmed', 'warn_cancelled'];
  if (mode === 'audit') return ['audit'];
  return [];
}
