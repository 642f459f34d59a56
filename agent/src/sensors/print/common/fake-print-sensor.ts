import type { PrintPolicy } from '@mamori/policies';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { PrintJobRecord } from './print-job.ts';
import { PrintJobTracker, type SpoolerControl } from './print-job-tracker.ts';
import type { PrintStateStore } from './print-state.ts';

/**
 * A print sensor fed by hand: tests push jobs with `push()` and they go through the same tracker (policy, record
 * once, hold/cancel) as the real adapters. `cancelled`/`held` list what the fake spooler was asked to stop.
 */
export class FakePrintSensor implements Sensor {
  readonly name = 'print' as const;
  readonly cancelled: PrintJobRecord[] = [];
  readonly held: PrintJobRecord[] = [];
  #tracker: PrintJobTracker | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(private readonly state: PrintStateStore, private readonly policy: () => PrintPolicy | undefined) {}

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const control: SpoolerControl = {
      cancel: async (job) => void this.cancelled.push(job),
      hold: async (job) => void this.held.push(job),
    };
    this.#tracker = new PrintJobTracker({ spooler: 'fake', state: this.state, policy: this.policy, emit, control });
    this.#status = { state: 'running', detail: 'fake spooler' };
    signal.addEventListener('abort', () => { this.#status = { state: 'stopped', detail: 'stopped' }; });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Reports one job as the spooler sees it now. */
  async push(job: PrintJobRecord): Promise<void> {
    if (!this.#tracker) throw new Error('FakePrintSensor.push before start');
    await this.#tracker.observe(job);
  }
}
