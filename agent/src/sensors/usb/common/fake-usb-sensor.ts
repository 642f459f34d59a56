import type { DeviceMode } from '@mamori/policies';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import { DeviceControl } from '../../../control/common/device-control.ts';
import { RecordingEnforcer } from '../../../control/common/enforcer.ts';
import type { UnlockLedger } from '../../../control/common/unlock-ledger.ts';
import type { LoggedExceptions } from '../../../control/common/logged-exceptions.ts';
import type { Emit, SensorStatus } from '../../common/sensor.ts';
import type { MountHub } from '../../../core/removable-media/mount-hub.ts';
import type { MountInfo, UsbDeviceInfo, UsbObservation } from '../../../core/removable-media/usb-device.ts';
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
 * The usb sensor over a hand-driven source: for unit tests here and for end-to-end tests of other parts (console,
 * alerts, tray) that need realistic device events. Given the agent's device control (SensorContext.deviceControl,
 * with `enforcer` the RecordingEnforcer the agent was given), it feeds that one; otherwise it builds its own over a
 * RecordingEnforcer, journaling through whatever emit it is started with.
 */
export class FakeUsbSensor extends UsbSensor {
  readonly source: FakeUsbSource;
  readonly enforcer: RecordingEnforcer;
  /** Where its own device control journals: the emit the sensor is started with. */
  readonly #sink: { emit?: Emit };

  constructor(options: {
    control?: DeviceControl; enforcer?: RecordingEnforcer;
    policy?: PolicyHolder; user?: () => string; now?: () => number; mounts?: MountHub; ledger?: UnlockLedger; logged?: LoggedExceptions;
  } = {}) {
    const source = new FakeUsbSource();
    const enforcer = options.enforcer ?? new RecordingEnforcer();
    const sink: { emit?: Emit } = {};
    const control = options.control ?? new DeviceControl({
      policy: options.policy ?? new PolicyHolder(), enforcer, user: options.user ?? (() => 'tester'), now: options.now,
      mounts: options.mounts, ledger: options.ledger, ...(options.logged ? { logged: options.logged } : {}),
      emit: (draft) => {
        if (!sink.emit) throw new Error('FakeUsbSensor: device control emitted before the sensor started');
        return sink.emit(draft);
      },
    });
    super({ source, control });
    this.#sink = sink;
    this.source = source;
    this.enforcer = enforcer;
  }

  override start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#sink.emit = emit;
    return super.start(emit, signal);
  }

  /** What the enforcer was asked for a device or mount, last call first. */
  lastEnforced(id: string): DeviceMode | undefined {
    return this.enforcer.calls.filter((c) => c.id === id).at(-1)?.mode;
  }
}

export { sampleStick } from '../../../core/removable-media/sample-stick.ts';
