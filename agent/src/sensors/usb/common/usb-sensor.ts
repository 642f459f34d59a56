import type { DeviceControl } from '../../../control/common/device-control.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { UsbSource } from './usb-source.ts';

export interface UsbSensorOptions {
  source: UsbSource;
  /** The agent's device control (built by main.ts, handed over in SensorContext): decides and enforces. */
  control: DeviceControl;
}

/**
 * Removable media: attach/detach and mount/unmount from the OS source, each decided and enforced by device
 * control. Portable; the OS lives in the source and in device control's enforcer.
 */
export class UsbSensor implements Sensor {
  readonly name = 'usb' as const;
  readonly #options: UsbSensorOptions;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(options: UsbSensorOptions) {
    this.#options = options;
  }

  /** The device control this sensor feeds (tests reach it here; the agent holds its own reference). */
  get control(): DeviceControl {
    return this.#options.control;
  }

  // `emit` is unused: device control journals through the emit main.ts built it with, which is this one.
  async start(_emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const { source, control } = this.#options;
    control.start(signal, { afterEnforcement: () => source.rescan() });
    const sourceStatus = await source.start((observation) => void control.handle(observation), signal);
    await control.idle();
    signal.addEventListener('abort', () => {
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    this.#status = { ...sourceStatus, detail: `${sourceStatus.detail}; enforcement: ${control.mechanism}` };
    return this.#status;
  }

  status(): SensorStatus {
    const source = this.#options.source.status();
    if (this.#status.state === 'stopped') return this.#status;
    return { ...source, detail: `${source.detail}; enforcement: ${this.#options.control.mechanism}` };
  }
}
