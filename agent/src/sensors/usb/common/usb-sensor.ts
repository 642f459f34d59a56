import type { PolicyHolder } from '../../../core/policy-holder.ts';
import { DeviceControl } from '../../../control/common/device-control.ts';
import type { DeviceEnforcer } from '../../../control/common/enforcer.ts';
import type { UnlockLedger } from '../../../control/common/unlock-ledger.ts';
import type { LoggedExceptions } from '../../../control/common/logged-exceptions.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { MountHub } from './mount-hub.ts';
import type { UsbSource } from './usb-source.ts';

export interface UsbSensorOptions {
  source: UsbSource;
  enforcer: DeviceEnforcer;
  policy: PolicyHolder;
  user: () => string;
  now?: () => number;
  mounts?: MountHub;
  ledger?: UnlockLedger;
  /** Exceptions already journaled, kept across restarts. */
  logged?: LoggedExceptions;
}

/**
 * Removable media: attach/detach and mount/unmount from the OS source, each decided and enforced by device
 * control. Portable; the OS lives in the source and the enforcer.
 */
export class UsbSensor implements Sensor {
  readonly name = 'usb' as const;
  readonly #options: UsbSensorOptions;
  #control: DeviceControl | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(options: UsbSensorOptions) {
    this.#options = options;
  }

  /** Device control, once started (the agent's `unlock` path and tests reach it here). */
  get control(): DeviceControl | undefined {
    return this.#control;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const { source, enforcer } = this.#options;
    const control = new DeviceControl({
      policy: this.#options.policy, enforcer, emit, user: this.#options.user, now: this.#options.now,
      mounts: this.#options.mounts, ledger: this.#options.ledger, ...(this.#options.logged ? { logged: this.#options.logged } : {}), afterEnforcement: () => source.rescan(),
    });
    this.#control = control;
    control.start(signal);
    const sourceStatus = await source.start((observation) => void control.handle(observation), signal);
    await control.idle();
    signal.addEventListener('abort', () => {
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    this.#status = { ...sourceStatus, detail: `${sourceStatus.detail}; enforcement: ${enforcer.mechanism}` };
    return this.#status;
  }

  status(): SensorStatus {
    const source = this.#options.source.status();
    if (this.#status.state === 'stopped') return this.#status;
    return { ...source, detail: `${source.detail}; enforcement: ${this.#options.enforcer.mechanism}` };
  }
}
