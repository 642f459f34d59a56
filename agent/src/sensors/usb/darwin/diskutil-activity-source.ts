/**
 * macOS USB source, live: `diskutil activity` (DiskArbitration's notifications as text lines, see
 * platform/diskutil-activity.ts) runs for the life of the agent; every disk appearing, disappearing, mounting
 * or unmounting makes the source take a system_profiler snapshot at once and diff it; snapshots also run at
 * start and every `reconcileMs`. Each notification is also handed to `onActivity` listeners: the diskutil
 * enforcer's mount guard unmounts a refused stick's volume the moment it mounts again.
 * Privileges: none for diskutil activity.
 * Known gaps: DiskArbitration's own callbacks (DARegisterDiskAppearedCallback …) would avoid parsing text but
 *   need a native helper; if diskutil exits, the source is degraded, polls snapshots and restarts it.
 */
import { spawn } from 'node:child_process';
import { parseDiskActivity, type DiskActivity } from '../../../platform/diskutil-activity.ts';
import { LineHost, type HostProcess } from '../../../platform/line-host.ts';
import type { SensorStatus } from '../../common/sensor.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { UsbObservation } from '../../../core/removable-media/usb-device.ts';
import type { UsbSource } from '../common/usb-source.ts';

export interface DiskutilActivitySourceOptions {
  snapshot: () => Promise<UsbSnapshot>;
  spawnActivity?: () => HostProcess;
  reconcileMs?: number;
  fallbackPollMs?: number;
  restartMs?: number;
}

const spawnDiskutilActivity = (): HostProcess => spawn('diskutil', ['activity'], { stdio: ['ignore', 'pipe', 'ignore'] });

/** Notifications that change what is attached or mounted. */
const changes = new Set(['DiskAppeared', 'DiskDisappeared', 'DiskDescriptionChanged']);

export class DiskutilActivitySource implements UsbSource {
  readonly mechanism = 'diskutil-activity';
  readonly #options: Required<DiskutilActivitySourceOptions>;
  readonly #snapshots: SnapshotUsbSource;
  readonly #host: LineHost;
  readonly #listeners: ((activity: DiskActivity) => void)[] = [];
  #down = '';
  #fallback: NodeJS.Timeout | undefined;

  constructor(options: DiskutilActivitySourceOptions) {
    this.#options = { spawnActivity: spawnDiskutilActivity, reconcileMs: 60_000, fallbackPollMs: 2_000, restartMs: 5_000, ...options };
    this.#snapshots = new SnapshotUsbSource('system_profiler', options.snapshot, this.#options.reconcileMs);
    this.#host = new LineHost(this.#options.spawnActivity, {
      line: (text) => this.#onLine(text),
      unreadable: () => void this.#snapshots.rescan(),
      down: (reason) => {
        this.#down = reason;
        this.#fallback ??= setInterval(() => void this.#snapshots.rescan(), this.#options.fallbackPollMs);
      },
    }, this.#options.restartMs);
  }

  /** Calls `listener` with every notification, in order (the mount guard). */
  onActivity(listener: (activity: DiskActivity) => void): void {
    this.#listeners.push(listener);
  }

  async start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus> {
    signal.addEventListener('abort', () => {
      clearInterval(this.#fallback);
      this.#host.stop();
    }, { once: true });
    this.#host.start();
    await this.#snapshots.start(listener, signal);
    return this.status();
  }

  status(): SensorStatus {
    const snapshots = this.#snapshots.status();
    if (snapshots.state !== 'running') return snapshots;
    if (this.#down) return { state: 'degraded', detail: `diskutil activity down (${this.#down}): polling system_profiler every ${this.#options.fallbackPollMs} ms` };
    return { state: 'running', detail: `diskutil activity, system_profiler snapshot every ${this.#options.reconcileMs} ms` };
  }

  rescan(): Promise<void> {
    return this.#snapshots.rescan();
  }

  #onLine(text: string): void {
    const activity = parseDiskActivity(text);
    if (!activity) return;
    if (this.#down) {
      this.#down = '';
      clearInterval(this.#fallback);
      this.#fallback = undefined;
    }
    for (const listener of this.#listeners) listener(activity);
    if (changes.has(activity.event)) void this.#snapshots.rescan();
  }
}
