// PrintServiceEventLogSensor — print jobs on Windows, from the Microsoft-Windows-PrintService/Operational event log
// (event 307 "document printed", with the copy count from event 805 "rendering job"), read with wevtutil.
// OS interface: `wevtutil qe Microsoft-Windows-PrintService/Operational /q:<XPath> /f:xml`.
// Privileges: reading the Operational channel needs an administrator or the Event Log Readers group (the agent
//   runs as LocalSystem). The channel is disabled by default: installers enable it
//   (`wevtutil sl Microsoft-Windows-PrintService/Operational /e:true`); while it is off this sensor is degraded.
// Known gaps: 307 is written after the job printed, so jobs cannot be held or cancelled from here (hold/cancel
//   rules are recorded as alerts); no sheet count; pages are Param8 × copies (805), 1 copy when 805 is missing;
//   cancelled jobs write no 307 and are not recorded.
import { execFile } from 'node:child_process';
import type { PrintPolicy } from '@mamori/policies';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import { PrintJobTracker } from '../common/print-job-tracker.ts';
import type { PrintStateStore } from '../common/print-state.ts';
import { copiesFromRenderJob, jobFromDocumentPrinted, parsePrintServiceEvent, splitEvents } from './print-service-event.ts';

export const printServiceChannel = 'Microsoft-Windows-PrintService/Operational';

/** Runs wevtutil with these arguments and returns its stdout; rejects with its error. Replaceable in tests. */
export type WevtutilRunner = (args: string[]) => Promise<string>;

const runWevtutil: WevtutilRunner = (args) => new Promise((resolve, reject) => {
  execFile('wevtutil', args, { maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
    if (error) reject(new Error(stderr.trim() || error.message));
    else resolve(stdout);
  });
});

export interface PrintServiceEventLogSensorOptions {
  pollMs: number;
  state: PrintStateStore;
  policy: () => PrintPolicy | undefined;
  run?: WevtutilRunner;
}

export class PrintServiceEventLogSensor implements Sensor {
  readonly name = 'print' as const;
  readonly #options: PrintServiceEventLogSensorOptions;
  readonly #run: WevtutilRunner;
  #lastRecordId = 0;
  readonly #copies = new Map<number, number>();
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(options: PrintServiceEventLogSensorOptions) {
    this.#options = options;
    this.#run = options.run ?? runWevtutil;
  }

  status(): SensorStatus {
    return this.#status;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    // No control: the log reports jobs after they printed.
    const tracker = new PrintJobTracker({ spooler: 'windows-printservice', state: this.#options.state, policy: this.#options.policy, emit });
    await this.poll(tracker);
    const timer = setInterval(() => void this.poll(tracker), this.#options.pollMs);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      this.#status = { state: 'stopped', detail: 'stopped' };
    });
    return this.#status;
  }

  /** Reads records newer than the last one seen and records the printed jobs. Never throws. */
  async poll(tracker: PrintJobTracker): Promise<void> {
    try {
      const query = `*[System[(EventID=307 or EventID=805) and EventRecordID>${this.#lastRecordId}]]`;
      const xml = await this.#run(['qe', printServiceChannel, `/q:${query}`, '/f:xml', '/e:Events']);
      const records = splitEvents(xml).map(parsePrintServiceEvent).filter((r) => r !== undefined)
        .sort((a, b) => a.recordId - b.recordId);
      for (const record of records) {
        this.#lastRecordId = Math.max(this.#lastRecordId, record.recordId);
        const copies = copiesFromRenderJob(record);
        if (copies) {
          this.#copies.set(copies[0], copies[1]);
          continue;
        }
        const job = jobFromDocumentPrinted(record, this.#copies.get(Number(record.data.Param1)));
        if (!job) continue;
        this.#copies.delete(job.jobId);
        await tracker.observe(job);
      }
      this.#status = { state: 'running', detail: `reading ${printServiceChannel}` };
    } catch (error) {
      this.#status = { state: 'degraded', detail: `${printServiceChannel}: ${(error as Error).message}; retrying every ${this.#options.pollMs} ms` };
    }
  }
}
