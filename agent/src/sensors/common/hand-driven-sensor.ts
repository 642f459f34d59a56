import type { EventDraft } from '../../core/event-draft.ts';
import type { Emit, Sensor, SensorName, SensorStatus } from './sensor.ts';

/**
 * The shared part of the Fake…Sensors: started like a real sensor, then driven by hand from tests through
 * `emitNow`. Subclasses add the typed helpers (`send`, `copied`, `upload` …) that fill in realistic defaults.
 */
export abstract class HandDrivenSensor implements Sensor {
  abstract readonly name: SensorName;
  #emit: Emit | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'fake, not started' };

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#emit = emit;
    this.#status = { state: 'running', detail: `fake ${this.name} sensor` };
    signal.addEventListener('abort', () => {
      this.#emit = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Journals one event as the real sensor would; returns its sequence number. */
  protected emitNow(draft: EventDraft): number {
    if (!this.#emit) throw new Error(`${this.constructor.name} is not started`);
    return this.#emit(draft);
  }
}
