import type { SensorStatus } from '../../common/sensor.ts';
import { deviceKey, type MountInfo, type UsbDeviceInfo, type UsbObservation } from '../../../core/removable-media/usb-device.ts';
import type { UsbSource } from './usb-source.ts';

/** What an OS query returns at one moment: USB storage devices and the volumes mounted from them. */
export interface UsbSnapshot {
  devices: UsbDeviceInfo[];
  mounts: MountInfo[];
}

/**
 * A source for OSes queried by polling a command (Windows WMI through PowerShell, macOS system_profiler): each
 * snapshot is diffed with the previous one into attach/detach/mount/unmount observations. A failing query makes
 * the status degraded and is retried; it never throws out.
 */
export class SnapshotUsbSource implements UsbSource {
  readonly mechanism: string;
  readonly #query: () => Promise<UsbSnapshot>;
  readonly #pollMs: number;
  #listener: ((observation: UsbObservation) => void) | undefined;
  #devices = new Map<string, UsbDeviceInfo>();
  #mounts = new Map<string, MountInfo>();
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };
  #running: Promise<void> | undefined;
  #again: Promise<void> | undefined;

  constructor(mechanism: string, query: () => Promise<UsbSnapshot>, pollMs = 1_000) {
    this.mechanism = mechanism;
    this.#query = query;
    this.#pollMs = pollMs;
  }

  async start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus> {
    this.#listener = listener;
    this.#status = { state: 'running', detail: `polling ${this.mechanism} every ${this.#pollMs} ms` };
    await this.rescan();
    const timer = setInterval(() => void this.rescan(), this.#pollMs);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      this.#listener = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /**
   * Scans now; asked while a scan runs, scans once more after it (what changed during a scan must not wait for
   * the next poll). Resolves when a scan that started after this call is done.
   */
  rescan(): Promise<void> {
    if (this.#running) {
      this.#again ??= this.#running.then(() => {
        this.#again = undefined;
        return this.rescan();
      });
      return this.#again;
    }
    this.#running = this.#scan().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #scan(): Promise<void> {
    let snapshot: UsbSnapshot;
    try {
      snapshot = await this.#query();
    } catch (error) {
      this.#status = { state: 'degraded', detail: `${this.mechanism} query failed: ${error instanceof Error ? error.message : String(error)}` };
      return;
    }
    this.#status = { state: 'running', detail: `polling ${this.mechanism} every ${this.#pollMs} ms` };
    const devices = new Map(snapshot.devices.map((d) => [deviceKey(d), d]));
    const mounts = new Map(snapshot.mounts.map((m) => [`${m.blockDevice}|${m.mountPoint}`, m]));
    for (const [key, mount] of this.#mounts) if (!mounts.has(key)) this.#listener?.({ type: 'unmounted', mount });
    for (const [key, device] of this.#devices) if (!devices.has(key)) this.#listener?.({ type: 'detached', device });
    for (const [key, device] of devices) if (!this.#devices.has(key)) this.#listener?.({ type: 'attached', device });
    for (const [key, mount] of mounts) if (!this.#mounts.has(key)) this.#listener?.({ type: 'mounted', mount });
    this.#devices = devices;
    this.#mounts = mounts;
  }
}
