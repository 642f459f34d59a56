// CupsPrintSensor — print jobs on Linux and macOS, from cupsd over IPP (Get-Jobs for not-completed and completed
// jobs, Cancel-Job / Hold-Job to enforce).
// OS interface: cupsd's local socket (/run/cups/cups.sock on Linux, /private/var/run/cupsd on macOS) or an IPP URL.
// Privileges: root (or a member of CUPS's SystemGroup) to see other users' job names and to cancel/hold their
//   jobs; over the socket CUPS recognises the caller by peer credentials, no password needed.
// Known gaps: CUPS counts pages only while it filters a job, so a per-job page limit can stop a job only once
//   counting is done; on a very fast printer (a PDF writer) the job may finish first — the tracker then records
//   an alert saying the cancel failed. Pages are what CUPS counted (job-impressions-completed); size is CUPS's
//   kilobyte figure. Jobs CUPS has already forgotten (MaxJobs / PreserveJobHistory) while the agent was down
//   cannot be recovered.
import { userInfo } from 'node:os';
import type { PrintPolicy } from '@mamori/policies';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { PrintSensorConfig } from '../common/config.ts';
import type { PrintJobRecord } from '../common/print-job.ts';
import { PrintJobTracker, type SpoolerControl } from '../common/print-job-tracker.ts';
import type { PrintStateStore } from '../common/print-state.ts';
import { ippCallOk, type IppEndpoint } from './ipp-client.ts';
import { jobFromIpp, requestedJobAttributes } from './ipp-job.ts';

export interface CupsPrintSensorOptions {
  cups: PrintSensorConfig['cups'];
  state: PrintStateStore;
  policy: () => PrintPolicy | undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export class CupsPrintSensor implements Sensor {
  readonly name = 'print' as const;
  readonly #options: CupsPrintSensorOptions;
  readonly #endpoint: IppEndpoint;
  readonly #user = safeUserName();
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(options: CupsPrintSensorOptions) {
    this.#options = options;
    const { socketPath, url, requestTimeoutMs } = options.cups;
    this.#endpoint = url ? { url, timeoutMs: requestTimeoutMs } : { socketPath, timeoutMs: requestTimeoutMs };
  }

  get #where(): string {
    return this.#endpoint.url ?? `socket ${this.#endpoint.socketPath}`;
  }

  status(): SensorStatus {
    return this.#status;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const control: SpoolerControl = {
      cancel: (job) => this.#jobOperation('Cancel-Job', job),
      hold: (job) => this.#jobOperation('Hold-Job', job),
    };
    const tracker = new PrintJobTracker({ spooler: 'cups', state: this.#options.state, policy: this.#options.policy, emit, control });
    const first = await this.#round(tracker);
    void this.#loop(tracker, signal, first);
    return this.#status;
  }

  async #loop(tracker: PrintJobTracker, signal: AbortSignal, firstDelay: number): Promise<void> {
    let delay = firstDelay;
    while (!signal.aborted) {
      await sleep(delay, signal);
      if (signal.aborted) break;
      delay = await this.#round(tracker);
    }
    this.#status = { state: 'stopped', detail: 'stopped' };
  }

  /** One poll; never throws. Returns how long to wait before the next one. */
  async #round(tracker: PrintJobTracker): Promise<number> {
    const { idlePollMs, activePollMs, retryMs } = this.#options.cups;
    try {
      const active = await this.#jobs('not-completed');
      for (const job of active) await tracker.observe(job);
      for (const job of await this.#jobs('completed')) await tracker.observe(job);
      const problem = this.#options.state.loadProblem;
      this.#status = problem
        ? { state: 'degraded', detail: `watching CUPS at ${this.#where}; ${problem}` }
        : { state: 'running', detail: `watching CUPS at ${this.#where}` };
      return active.some((job) => job.state !== 'held') ? activePollMs : idlePollMs;
    } catch (error) {
      this.#status = { state: 'degraded', detail: `CUPS at ${this.#where}: ${(error as Error).message}; retrying every ${retryMs} ms` };
      return retryMs;
    }
  }

  async #jobs(which: 'completed' | 'not-completed'): Promise<PrintJobRecord[]> {
    const response = await ippCallOk(this.#endpoint, 'Get-Jobs', {
      'printer-uri': 'ipp://localhost/',
      'requesting-user-name': this.#user,
      'which-jobs': which,
      'my-jobs': false,
      'requested-attributes': requestedJobAttributes,
    });
    return response.jobs.map(jobFromIpp).filter((job): job is PrintJobRecord => job !== undefined);
  }

  async #jobOperation(operation: 'Cancel-Job' | 'Hold-Job', job: PrintJobRecord): Promise<void> {
    await ippCallOk(this.#endpoint, operation, {
      'job-uri': `ipp://localhost/jobs/${job.jobId}`,
      'requesting-user-name': this.#user,
      ...(operation === 'Cancel-Job' ? { message: 'cancelled by Mamori print policy' } : {}),
    });
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
