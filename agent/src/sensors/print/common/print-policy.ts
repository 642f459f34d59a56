import type { PrintAction, PrintPolicy } from '@mamori/policies';
import type { PrintJobRecord } from './print-job.ts';

/** The policy's verdict on one job. */
export interface PrintVerdict {
  action: PrintAction;
  /** Dotted path of the rule that decided, e.g. "print.per_job"; empty when no rule matched. */
  rule: string;
  /** One line for people: why. */
  reason: string;
}

const strength: Record<PrintAction, number> = { log: 0, alert: 1, hold: 2, cancel: 3 };

/** True when `printer` matches a policy pattern: case-insensitive, `*` for any run of characters. */
export function printerMatches(pattern: string, printer: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 'iu').test(printer);
}

/**
 * Decides what to do with a job. `usedToday` is the pages this user already printed today on this PC, this job
 * excluded. While the spooler has not counted a job's pages, the job is taken to have at least one page: a user
 * already at the daily limit is stopped before the printer starts.
 */
export function decidePrintJob(policy: PrintPolicy | undefined, job: PrintJobRecord, usedToday: number): PrintVerdict {
  const verdicts: PrintVerdict[] = [];
  const pages = job.pagesKnown ? job.pages : Math.max(job.pages, 1);
  const disallowed = policy?.disallowed_printers;
  if (disallowed && disallowed.printers.some((pattern) => printerMatches(pattern, job.printer))) {
    verdicts.push({ action: disallowed.action, rule: 'print.disallowed_printers', reason: `printer "${job.printer}" is not allowed` });
  }
  if (policy?.per_job && job.pagesKnown && job.pages > policy.per_job.pages) {
    verdicts.push({
      action: policy.per_job.action, rule: 'print.per_job',
      reason: `${job.pages} pages in one job, over the limit of ${policy.per_job.pages}`,
    });
  }
  if (policy?.per_user_per_day && usedToday + pages > policy.per_user_per_day.pages) {
    verdicts.push({
      action: policy.per_user_per_day.action, rule: 'print.per_user_per_day',
      reason: `${usedToday} pages already today plus ${job.pagesKnown ? pages : 'this job'}, over the daily limit of ${policy.per_user_per_day.pages}`,
    });
  }
  const strongest = verdicts.sort((a, b) => strength[b.action] - strength[a.action])[0];
  return strongest ?? { action: 'log', rule: '', reason: 'no print rule matched' };
}
