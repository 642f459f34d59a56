import type { PrintPolicy } from '@mamori/policies';
import type { Emit } from '../../common/sensor.ts';
import { decidePrintJob, type PrintVerdict } from './print-policy.ts';
import { localDay, terminalStates, toPrintJobEvent, type PrintJobRecord, type PrintOutcome } from './print-job.ts';
import type { PrintStateStore } from './print-state.ts';

/** How an adapter stops a job in its spooler. Adapters that cannot (Windows event log) leave it out. */
export interface SpoolerControl {
  /** Cancels the job; rejects with the spooler's reason. */
  cancel(job: PrintJobRecord): Promise<void>;
  /** Holds the job until an administrator releases it; rejects with the spooler's reason. */
  hold(job: PrintJobRecord): Promise<void>;
}

export interface PrintJobTrackerOptions {
  /** PrintJobEvent.spooler: "cups", "windows-printservice". */
  spooler: string;
  state: PrintStateStore;
  /** The print section of the policy in force now (undefined before the first policy arrives). */
  policy: () => PrintPolicy | undefined;
  emit: Emit;
  control?: SpoolerControl;
  now?: () => number;
}

const outcomeOf = { log: 'logged', alert: 'alerted', hold: 'held', cancel: 'cancelled' } as const satisfies Record<PrintVerdict['action'], PrintOutcome>;

/**
 * The portable part of print monitoring: given the jobs an adapter sees, records every finished job exactly once
 * with what policy did, and stops unfinished jobs that break a hold/cancel rule. Acting on a job is journaled first
 * (a policy_decision event), then done; the job's own record follows when the spooler reports it finished.
 */
export class PrintJobTracker {
  readonly #options: PrintJobTrackerOptions;
  readonly #now: () => number;
  /** Jobs being acted on right now, so overlapping polls don't act twice. */
  readonly #acting = new Set<string>();

  constructor(options: PrintJobTrackerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Feeds one job as the spooler reports it now, finished or not. */
  async observe(job: PrintJobRecord): Promise<void> {
    if (this.#options.policy()?.enabled === false) return;
    if (terminalStates.has(job.state)) {
      this.#record(job);
    } else {
      await this.#enforce(job);
    }
  }

  #usedToday(job: PrintJobRecord): number {
    return this.#options.state.pagesOn(localDay(job.submittedMs || this.#now()), job.user);
  }

  async #enforce(job: PrintJobRecord): Promise<void> {
    const { state, control, emit } = this.#options;
    if (!control || state.decision(job.key) || this.#acting.has(job.key) || state.isRecorded(job.key)) return;
    // A job someone held on purpose has no page count yet and is not printing: judge it when it runs.
    if (job.state === 'held') return;
    const verdict = decidePrintJob(this.#options.policy(), job, this.#usedToday(job));
    if (verdict.action !== 'hold' && verdict.action !== 'cancel') return;
    this.#acting.add(job.key);
    try {
      const subject = `job ${job.jobId} "${job.documentName}" by ${job.user} on ${job.printer}`;
      const printed = job.pagesKnown && job.state === 'processing' ? `; ${job.pages} pages counted while processing` : '';
      // Journal the decision before acting on it (Emit contract).
      emit({ user: job.user, policyDecision: { subject: 'print', decision: verdict.action, rule: verdict.rule, detail: `${subject}: ${verdict.reason}${printed}`, untilMs: 0 } });
      try {
        await (verdict.action === 'cancel' ? control.cancel(job) : control.hold(job));
        state.rememberDecision(job.key, { outcome: outcomeOf[verdict.action], rule: verdict.rule, reason: verdict.reason });
      } catch (error) {
        // The job could not be stopped (it finished first, or the spooler refused): say so, and alert on it.
        emit({ user: job.user, policyDecision: { subject: 'print', decision: `${verdict.action}_failed`, rule: verdict.rule, detail: `${subject}: ${(error as Error).message}`, untilMs: 0 } });
        state.rememberDecision(job.key, { outcome: 'alerted', rule: verdict.rule, reason: `${verdict.reason}; ${verdict.action} failed: ${(error as Error).message}` });
      }
    } finally {
      this.#acting.delete(job.key);
    }
  }

  #record(job: PrintJobRecord): void {
    const { state, emit, spooler } = this.#options;
    if (this.#acting.has(job.key) || state.isRecorded(job.key, job.completedMs)) return;
    const day = localDay(job.submittedMs || this.#now());
    const earlier = state.decision(job.key);
    let outcome: PrintOutcome;
    let rule: string;
    if (earlier) {
      ({ outcome, rule } = earlier);
    } else {
      const verdict = decidePrintJob(this.#options.policy(), job, state.pagesOn(day, job.user));
      // Too late to hold or cancel a finished job: that rule's match becomes an alert.
      outcome = verdict.action === 'log' ? 'logged' : 'alerted';
      rule = verdict.rule;
    }
    emit({ user: job.user, printJob: toPrintJobEvent(job, spooler, outcome, rule) });
    state.markRecorded(job.key, job.completedMs, this.#now(), day, job.user, job.state === 'completed' ? job.pages : 0);
  }
}
