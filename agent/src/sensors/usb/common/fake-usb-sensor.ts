import type { DeviceMode } from '@mamori/policies';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import { RecordingEnforcer } from '../../../control/common/enforcer.ts';
import type { UnlockLedger } from '../../../control/common/unlock-ledger.ts';
import type { LoggedExceptions } from '../../../control/common/logged-exceptions.ts';
import type { SensorStatus } from '../../common/sensor.ts';
import type { MountHub } from './mount-hub.ts';
import type { MountInfo, UsbDeviceInfo, UsbObservation } from './types.ts';
import type { UsbSource } from './usb-source.ts';
import { UsbSensor } from './usb-sensor.ts';

/** A source driven by hand: tests call attach()/mount()/… and the sensor reacts as to a real OS. */
export class FakeUsbSource implements UsbSource {
  readonly mechanism = 'fake';
  #listener: ((observation: UsbObservation) => void) | undefined;
  readonly #pending: UsbObservation[] = [];

  async start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus> {
    this.#listener = listener;
    signal.addEventListener('abort', () => { this.#listener = undefined; }, { once: true });
    for (const observation of this.#pending.splice(0)) listener(observation);
    return this.status();
  }

  status(): SensorStatus {
    return { state: this.#listener ? 'running' : 'stopped', detail: 'fake usb source' };
  }

  async rescan(): Promise<void> {}

  attach(device: UsbDeviceInfo): void { this.#push({ type: 'attached', device }); }
  detach(device: UsbDeviceInfo): void { this.#push({ type: 'detached', device }); }
  mount(mount: MountInfo): void { this.#push({ type: 'mounted', mount }); }
  unmount(mount: MountInfo): void { this.#push({ type: 'unmounted', mount }); }

  #push(observation: UsbObservation): void {
    if (this.#listener) this.#listener(observation);
    else this.#pending.push(observation);
  }
}

/**
 * The usb sensor over a hand-driven source and an enforcer that only records: for unit tests here and for
 * end-to-end tests of other parts (console, alerts) that need realistic device events.
 */
export class FakeUsbSensor extends UsbSensor {
  readonly source: FakeUsbSource;
  readonly enforcer: RecordingEnforcer;

  constructor(options: { policy?: PolicyHolder; user?: () => string; now?: () => number; mounts?: MountHub; ledger?: UnlockLedger; logged?: LoggedExceptions } = {}) {
    const source = new FakeUsbSource();
    const enforcer = new RecordingEnforcer();
    super({
      source, enforcer, policy: options.policy ?? new PolicyHolder(), user: options.user ?? (() => 'tester'),
      now: options.now, mounts: options.mounts, ledger: options.ledger, ...(options.logged ? { logged: options.logged } : {}),
    });
    this.source = source;
    this.enforcer = enforcer;
  }

  /** What the enforcer was asked for a device or mount, last call first. */
  lastEnforced(id: string): DeviceMode | undefined {
    return this.enforcer.calls.filter((c) => c.id === id).at(-1)?.mode;
  }
}

/** A typical USB stick, for tests; override any field. */
export function sampleStick(overrides: Partial<UsbDeviceInfo> = {}): UsbDeviceInfo {
  return {
    vendorId: '0781', productId: '5581', serial: '4C530001231120115142', vendor: 'SanDisk', product: 'Ultra',
    deviceClass: '00', interfaceClasses: ['08'], busPath: '1-2', ...overrides,
  };
}
