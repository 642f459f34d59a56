/**
 * Linux USB source.
 * OS interfaces: sysfs (<sys>/bus/usb/devices for devices, <sys>/class/block + <sys>/block to trace a block
 *   device to its USB device), /proc/self/mountinfo (polled every ~200 ms: inotify never fires on it), node-usb
 *   (usb@2) hotplug events to rescan at once when a device arrives.
 * Privileges: none to observe; reading a device's superblock for its label needs read access to /dev (root).
 * Known gaps: a device unplugged and replugged on the same port between two scans without hotplug is seen as
 *   still attached; mounts in other mount namespaces (flatpak, containers) are not seen.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SensorStatus } from '../../common/sensor.ts';
import { parseMountInfo } from '../common/mountinfo.ts';
import { deviceKey, type MountInfo, type UsbDeviceInfo, type UsbObservation } from '../../../core/removable-media/usb-device.ts';
import type { UsbSource } from '../common/usb-source.ts';
import { readUsbDevices, usbBusPathForBlock } from './sysfs.ts';
import { readVolumeLabel } from './volume-label.ts';

export interface SysfsUsbSourceOptions {
  sysRoot?: string;
  mountInfoPath?: string;
  devRoot?: string;
  pollMs?: number;
  /** Listen to node-usb hotplug (only when <sysRoot>/bus/usb exists). */
  hotplug?: boolean;
}

export class SysfsUsbSource implements UsbSource {
  readonly mechanism = 'sysfs+mountinfo';
  readonly #sysRoot: string;
  readonly #mountInfoPath: string;
  readonly #devRoot: string;
  readonly #pollMs: number;
  readonly #hotplug: boolean;
  #listener: ((observation: UsbObservation) => void) | undefined;
  #devices = new Map<string, UsbDeviceInfo>();
  #mounts = new Map<string, MountInfo>();
  #lastDeviceNames = '';
  #lastMountText = '';
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };
  #scanning: Promise<void> | undefined;
  #again = false;

  constructor(options: SysfsUsbSourceOptions = {}) {
    this.#sysRoot = options.sysRoot ?? '/sys';
    this.#mountInfoPath = options.mountInfoPath ?? '/proc/self/mountinfo';
    this.#devRoot = options.devRoot ?? '/dev';
    this.#pollMs = options.pollMs ?? 200;
    this.#hotplug = options.hotplug ?? true;
  }

  async start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus> {
    this.#listener = listener;
    await this.rescan();
    let ticks = 0;
    // Between full scans only the device directory listing and the mount table are compared (cheap).
    const timer = setInterval(() => {
      ticks += 1;
      if (ticks % 25 === 0) void this.rescan();
      else if (!this.#scanning) void this.#scan(false);
    }, this.#pollMs);
    const stopHotplug = this.#hotplug ? await this.#startHotplug() : undefined;
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      stopHotplug?.();
      this.#listener = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    if (this.#status.state !== 'degraded') {
      this.#status = { state: 'running', detail: `watching ${this.#sysRoot} and ${this.#mountInfoPath} every ${this.#pollMs} ms${stopHotplug ? ' + usb hotplug' : ''}` };
    }
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Scans now; concurrent calls coalesce into one more scan after the running one. */
  rescan(): Promise<void> {
    if (this.#scanning) {
      this.#again = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      do {
        this.#again = false;
        await this.#scan(true);
      } while (this.#again);
    })().finally(() => { this.#scanning = undefined; });
    return this.#scanning;
  }

  async #scan(force: boolean): Promise<void> {
    try {
      this.#scanDevices(force);
      await this.#scanMounts();
      if (this.#status.state === 'degraded') this.#status = { state: 'running', detail: 'recovered' };
    } catch (error) {
      this.#status = { state: 'degraded', detail: `scan failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  #scanDevices(force: boolean): void {
    const names = listDeviceNames(this.#sysRoot);
    if (!force && names === this.#lastDeviceNames) return;
    this.#lastDeviceNames = names;
    const devices = readUsbDevices(this.#sysRoot);
    const next = new Map(devices.map((d) => [deviceKey(d), d]));
    for (const [key, device] of this.#devices) if (!next.has(key)) this.#emit({ type: 'detached', device });
    for (const [key, device] of next) if (!this.#devices.has(key)) this.#emit({ type: 'attached', device });
    const changed = next.size !== this.#devices.size || [...next.keys()].some((k) => !this.#devices.has(k));
    this.#devices = next;
    // A mount seen before its device was known is resolved again.
    if (changed) this.#lastMountText = '';
  }

  async #scanMounts(): Promise<void> {
    const text = readFileSync(this.#mountInfoPath, 'utf8');
    // Devices can change without the mount table changing, but a mount's device is resolved when it appears.
    if (text === this.#lastMountText) return;
    this.#lastMountText = text;
    const next = new Map<string, MountInfo>();
    for (const entry of parseMountInfo(text)) {
      const key = `${entry.mountId}|${entry.mountPoint}`;
      const known = this.#mounts.get(key);
      if (known) {
        next.set(key, { ...known, readOnly: entry.readOnly });
        continue;
      }
      const busPath = usbBusPathForBlock(this.#sysRoot, basename(entry.source));
      const device = busPath ? [...this.#devices.values()].find((d) => d.busPath === busPath) : undefined;
      if (!device) continue;
      next.set(key, {
        mountPoint: entry.mountPoint, filesystem: entry.fsType, blockDevice: entry.source,
        sizeBytes: await sizeOf(entry.mountPoint), label: readVolumeLabel(this.#devRoot, entry.source, entry.fsType),
        readOnly: entry.readOnly, device,
      });
    }
    for (const [key, mount] of this.#mounts) if (!next.has(key)) this.#emit({ type: 'unmounted', mount });
    const fresh = [...next].filter(([key]) => !this.#mounts.has(key));
    this.#mounts = next;
    for (const [, mount] of fresh) this.#emit({ type: 'mounted', mount });
  }

  #emit(observation: UsbObservation): void {
    this.#listener?.(observation);
  }

  async #startHotplug(): Promise<(() => void) | undefined> {
    // node-usb 2.x needs a real USB bus; on a machine without one (or with a fake tree) polling alone is used.
    if (!existsSync(join(this.#sysRoot, 'bus/usb')) || this.#sysRoot !== '/sys') return undefined;
    try {
      const { usb } = await import('usb');
      const onChange = () => void this.rescan();
      usb.on('attach', onChange);
      usb.on('detach', onChange);
      usb.unrefHotplugEvents();
      return () => {
        usb.off('attach', onChange);
        usb.off('detach', onChange);
      };
    } catch {
      return undefined;
    }
  }
}

function listDeviceNames(sysRoot: string): string {
  try {
    return readdirSync(join(sysRoot, 'bus/usb/devices')).sort().join('\n');
  } catch {
    return '';
  }
}

async function sizeOf(mountPoint: string): Promise<number> {
  try {
    const stats = await statfs(mountPoint);
    return stats.blocks * stats.bsize;
  } catch {
    return 0;
  }
}
