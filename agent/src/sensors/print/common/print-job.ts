import type { PrintJobEvent } from '@mamori/proto';

/** Where a job is in the spooler. Terminal states are recorded; the others are watched for enforcement. */
export type PrintJobState = 'pending' | 'held' | 'processing' | 'stopped' | 'completed' | 'cancelled' | 'aborted';

export const terminalStates: ReadonlySet<PrintJobState> = new Set(['completed', 'cancelled', 'aborted']);

/** What policy did with a job, as recorded in PrintJobEvent.action. */
export type PrintOutcome = 'logged' | 'alerted' | 'held' | 'cancelled';

/** One print job as any spooler adapter reports it, before policy. Strings are untrusted and kept verbatim. */
export interface PrintJobRecord {
  /** Stable identity across agent and spooler restarts (CUPS job-uuid, or spooler + id + submit time). */
  key: string;
  jobId: number;
  documentName: string;
  printer: string;
  user: string;
  /** Impressions: pages × copies. */
  pages: number;
  copies: number;
  sheets: number;
  sizeBytes: number;
  submittedMs: number;
  /** 0 while not finished. */
  completedMs: number;
  state: PrintJobState;
  /** False while the spooler has not counted the pages yet (pending or held jobs). */
  pagesKnown: boolean;
}

/** The wire payload for a finished job. */
export function toPrintJobEvent(
  job: PrintJobRecord, spooler: string, outcome: PrintOutcome, rule: string,
): PrintJobEvent {
  return {
    jobId: job.jobId,
    documentName: job.documentName,
    printer: job.printer,
    jobUser: job.user,
    pages: job.pages,
    copies: job.copies,
    sheets: job.sheets,
    sizeBytes: job.sizeBytes,
    submittedMs: job.submittedMs,
    completedMs: job.completedMs,
    state: job.state,
    action: outcome,
    rule,
    spooler,
  };
}

/** The agent-local calendar day a job counts toward, as YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
