// PrintServiceEventLogSensor — print jobs on Windows.
// OS interfaces:
//   - live: the print host (windows-print-host.ts), one PowerShell process subscribed to the
//     Microsoft-Windows-PrintService/Operational log (EventLogWatcher: 307 "document printed", 805 "rendering job"
//     with the copy count) and to Win32_PrintJob creation/modification/deletion;
//   - catch-up and fallback: Get-WinEvent -FilterXPath through PowerShell with UTF-8 output (print-log-query.ts
//     says why not wevtutil) for records newer than the last seen, at start and every `pollMs` while the host is down;
//   - control: a job over a hold/cancel rule, seen while it spools, is paused (Suspend-PrintJob) or cancelled
//     (Remove-PrintJob); the decision is journaled first (PrintJobTracker).
// Privileges: reading the Operational channel needs an administrator or the Event Log Readers group, pausing or
//   removing other users' jobs needs Manage Documents on the printer (the agent runs as LocalSystem). The channel
//   is disabled by default: the MSI enables it (`wevtutil sl Microsoft-Windows-PrintService/Operational
//   /e:true`); while it is off the log part reads nothing.
// Known gaps: a job that spools and prints within WMI's one-second poll is only seen by its 307, after printing
//   (a hold/cancel rule then alerts); no sheet count; pages from 307 are Param8 × copies (805), 1 copy when 805 is
//   missing; a paused job that an administrator resumes is recorded by its 307 as a new printed job; a cancelled
//   job writes no 307 and is recorded from the spooler's deletion event.
import { spawn } from 'node:child_process';
import type { PrintPolicy } from '@mamori/policies';
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import { LineHost, type HostProcess } from '../../../platform/line-host.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { PrintJobRecord } from '../common/print-job.ts';
import { PrintJobTracker, type SpoolerControl } from '../common/print-job-tracker.ts';
import type { PrintStateStore } from '../common/print-state.ts';
import { createPrintLogReader, printLogQuery, type PrintLogReader } from './print-log-query.ts';
import { printServiceChannel } from './print-service-channel.ts';
import { copiesFromRenderJob, jobFromDocumentPrinted, parsePrintServiceEvent, splitEvents, type PrintServiceRecord } from './print-service-event.ts';
import { parsePrintHostLine, printHostArgs, printJobCommand } from './windows-print-host.ts';

export { printServiceChannel } from './print-service-channel.ts';

export interface PrintServiceEventLogSensorOptions {
  pollMs: number;
  state: PrintStateStore;
  policy: () => PrintPolicy | undefined;
  /** Reads the channel by XPath (catch-up); default: PowerShell Get-WinEvent, strict UTF-8. */
  readLog?: PrintLogReader;
  /** The print host; undefined = poll the log only (no job control). */
  spawnHost?: (() => HostProcess) | null;
  /** Runs the Suspend-/Remove-PrintJob commands. */
  runCommand?: CommandRunner;
  restartMs?: number;
}

const spawnPrintHost = (): HostProcess => spawn('powershell.exe', printHostArgs(), { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });

/** Pauses or cancels a job through PowerShell's PrintManagement cmdlets. */
export function powershellSpoolerControl(run: CommandRunner): SpoolerControl {
  const act = async (action: 'hold' | 'cancel', job: PrintJobRecord) => {
    const [program, args] = printJobCommand(action, job.printer, job.jobId);
    const result = await run(program, args);
    if (result.code !== 0) throw new Error(result.stderr.trim() || `${action === 'hold' ? 'Suspend-PrintJob' : 'Remove-PrintJob'} exited ${result.code}`);
  };
  return { cancel: (job) => act('cancel', job), hold: (job) => act('hold', job) };
}

export class PrintServiceEventLogSensor implements Sensor {
  readonly name = 'print' as const;
  readonly #options: PrintServiceEventLogSensorOptions;
  readonly #readLog: PrintLogReader;
  #lastRecordId = 0;
  readonly #copies = new Map<number, number>();
  #logStatus: SensorStatus = { state: 'stopped', detail: 'not started' };
  #hostState: 'none' | 'starting' | 'ready' | 'down' = 'none';
  #hostDetail = '';
  #poller: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: PrintServiceEventLogSensorOptions) {
    this.#options = options;
    this.#readLog = options.readLog ?? createPrintLogReader();
  }

  status(): SensorStatus {
    if (this.#logStatus.state !== 'running') return this.#logStatus;
    if (this.#hostState === 'ready') return { state: 'running', detail: `subscribed to ${printServiceChannel} and Win32_PrintJob (pause/cancel over policy)` };
    if (this.#hostState === 'down') return { state: 'degraded', detail: `print host down (${this.#hostDetail}): reading ${printServiceChannel} every ${this.#options.pollMs} ms, jobs cannot be paused or cancelled` };
    return this.#logStatus;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const spawnHost = this.#options.spawnHost === undefined ? spawnPrintHost : this.#options.spawnHost;
    const control = spawnHost && this.#options.runCommand ? powershellSpoolerControl(this.#options.runCommand) : undefined;
    const tracker = new PrintJobTracker({ spooler: 'windows-printservice', state: this.#options.state, policy: this.#options.policy, emit, control });
    const host = spawnHost ? new LineHost(spawnHost, {
      line: (text) => this.#onHostLine(text, tracker),
      unreadable: () => this.#serial(() => this.poll(tracker)),
      down: (reason) => {
        this.#hostState = 'down';
        this.#hostDetail = reason;
        this.#poll(tracker);
      },
    }, this.#options.restartMs ?? 5_000) : undefined;
    signal.addEventListener('abort', () => {
      clearInterval(this.#poller);
      host?.stop();
      this.#logStatus = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    await this.poll(tracker);
    if (host) {
      this.#hostState = 'starting';
      host.start();
    } else {
      this.#poll(tracker);
    }
    return this.status();
  }

  /** Reads records newer than the last one seen and records the printed jobs. Never throws. */
  async poll(tracker: PrintJobTracker): Promise<void> {
    try {
      const xml = await this.#readLog(printLogQuery(this.#lastRecordId));
      await this.#records(splitEvents(xml).map(parsePrintServiceEvent).filter((r) => r !== undefined), tracker);
      this.#logStatus = { state: 'running', detail: `reading ${printServiceChannel}` };
    } catch (error) {
      this.#logStatus = { state: 'degraded', detail: `${printServiceChannel}: ${(error as Error).message}; retrying every ${this.#options.pollMs} ms` };
    }
  }

  #poll(tracker: PrintJobTracker): void {
    this.#poller ??= setInterval(() => void this.#serial(() => this.poll(tracker)), this.#options.pollMs);
  }

  /** Host lines and polls are handled one at a time, in order. */
  #serial(work: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(work, work);
    return this.#queue;
  }

  #onHostLine(text: string, tracker: PrintJobTracker): void {
    const line = parsePrintHostLine(text);
    if (!line) return;
    if (line.kind === 'ready') {
      this.#hostState = 'ready';
      clearInterval(this.#poller);
      this.#poller = undefined;
      // Anything written while the host was starting.
      void this.#serial(() => this.poll(tracker));
    } else if (line.kind === 'log') {
      const record = parsePrintServiceEvent(line.xml);
      if (record) void this.#serial(() => this.#records([record], tracker));
    } else if (line.kind === 'job') {
      const { job, change } = line;
      void this.#serial(async () => {
        if (change !== 'deletion') return tracker.observe(job);
        // A job leaving the spooler is recorded by its 307 once printed; only one we cancelled writes none.
        if (this.#options.state.decision(job.key)?.outcome === 'cancelled') await tracker.observe({ ...job, state: 'cancelled', completedMs: Date.now() });
      });
    }
  }

  async #records(records: PrintServiceRecord[], tracker: PrintJobTracker): Promise<void> {
    for (const record of [...records].sort((a, b) => a.recordId - b.recordId)) {
      if (record.recordId <= this.#lastRecordId) continue;
      this.#lastRecordId = record.recordId;
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
  }
}
