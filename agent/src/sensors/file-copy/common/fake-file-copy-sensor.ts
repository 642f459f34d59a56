import type { FileCopyEvent } from '@mamori/proto';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';

/** A file-copy sensor driven by hand (`copied(...)`), for tests of the rest of the system. */
export class FakeFileCopySensor implements Sensor {
  readonly name = 'file-copy' as const;
  #emit: Emit | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#emit = emit;
    this.#status = { state: 'running', detail: 'fake file-copy sensor' };
    signal.addEventListener('abort', () => {
      this.#emit = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Emits one file copy as the real sensor would; returns its sequence number. */
  copied(fileCopy: FileCopyEvent, user = 'tester'): number {
    if (!this.#emit) throw new Error('FakeFileCopySensor is not started');
    return this.#emit({ user, fileCopy: { operation: 'created', destinationKind: 'removable', ...fileCopy } });
  }
}
