import type { ReportRecord } from '../store/repositories/reports.ts';
import { generateReport, type ReportContext } from './generate.ts';
import { periodContaining } from './periods.ts';

/**
 * Makes the scheduled reports: for each template with `schedule: weekly|monthly`, every period that has ended
 * since the template's cursor, oldest first. The cursor lives in the database and moves in the transaction that
 * stores the period's report, so a restart (or a crash mid-report) neither skips a period nor makes it twice;
 * a collector that was down across several period ends catches up on all of them. A template seen for the first
 * time starts with the period running now (no report for time before it was set up).
 */
export class ReportScheduler {
  readonly #context: ReportContext;
  readonly #tickMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReportRecord[]> | undefined;

  constructor(context: ReportContext, options: { tickMs?: number; onError?: (error: unknown) => void } = {}) {
    this.#context = context;
    this.#tickMs = options.tickMs ?? 60_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Generates every report that is due now; concurrent calls share one run. */
  runDue(): Promise<ReportRecord[]> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.runDue().catch(this.#onError), this.#tickMs);
    this.#timer.unref();
    this.runDue().catch(this.#onError);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async #run(): Promise<ReportRecord[]> {
    const reports = this.#context.repos.reports;
    const made: ReportRecord[] = [];
    for (const [name, template] of Object.entries(this.#context.policy().reports.templates)) {
      if (template.schedule === 'none') continue;
      const kind = template.schedule;
      const tz = template.timezone;
      let cursor = await reports.scheduleCursor(name);
      if (!cursor || cursor.periodKind !== kind) {
        await reports.setScheduleCursor(name, kind, periodContaining(kind, this.#context.now(), tz).fromMs);
        cursor = (await reports.scheduleCursor(name))!;
      }
      let from = cursor.nextFromMs;
      for (;;) {
        const period = periodContaining(kind, from, tz);
        if (period.toMs > this.#context.now()) break;
        if (await reports.scheduledExists(name, kind, period.fromMs)) {
          await reports.setScheduleCursor(name, kind, period.toMs);
        } else {
          const report = await generateReport(this.#context, {
            template: name, fromMs: period.fromMs, toMs: period.toMs, periodKind: kind, actor: 'system:scheduler', nextFromMs: period.toMs,
          });
          if (report) made.push(report);
        }
        from = period.toMs;
      }
    }
    return made;
  }
}
