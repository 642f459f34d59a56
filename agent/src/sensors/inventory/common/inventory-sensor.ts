import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { InventorySource } from './inventory-source.ts';

/** Sends an inventory snapshot at start and then every `intervalMs` (daily by default). */
export class InventorySensor implements Sensor {
  readonly name = 'inventory' as const;
  readonly #source: InventorySource;
  readonly #intervalMs: number;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(source: InventorySource, intervalMs = 86_400_000) {
    this.#source = source;
    this.#intervalMs = intervalMs;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const snapshot = async () => {
      try {
        emit({ inventory: await this.#source.collect() });
        this.#status = { state: 'running', detail: `snapshot every ${Math.round(this.#intervalMs / 3_600_000)} h` };
      } catch (error) {
        this.#status = { state: 'degraded', detail: `inventory failed: ${(error as Error).message}` };
      }
    };
    await snapshot();
    const timer = setInterval(() => void snapshot(), this.#intervalMs);
    timer.unref();
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }
}

/** A fixed snapshot, for tests of other parts. */
export class FakeInventorySource implements InventorySource {
  constructor(readonly snapshot: Parameters<Emit>[0]['inventory'] & object) {}
  async collect() {
    return this.snapshot;
  }
}
