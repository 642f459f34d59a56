import type { MountInfo } from './usb-device.ts';

export type MountHubListener = (change: { type: 'mounted' | 'unmounted'; mount: MountInfo }) => void;

/**
 * Removable filesystems that device policy let stay mounted, published by device control for the file-copy
 * sensor, so files are recorded only on media the PC really writes to and mountinfo is polled once. The agent
 * has one, made by main.ts and handed to both through SensorContext (never a module singleton, so two agents or
 * two tests in one process never share mounts).
 */
export class MountHub {
  readonly #mounts = new Map<string, MountInfo>();
  readonly #listeners = new Set<MountHubListener>();

  /** Mounts usable right now. */
  current(): MountInfo[] {
    return [...this.#mounts.values()];
  }

  /** Adds or removes one mount and tells every subscriber; repeating the current state is a no-op. */
  publish(type: 'mounted' | 'unmounted', mount: MountInfo): void {
    if (type === 'mounted') {
      if (this.#mounts.has(mount.mountPoint)) return;
      this.#mounts.set(mount.mountPoint, mount);
    } else if (!this.#mounts.delete(mount.mountPoint)) {
      return;
    }
    for (const listener of this.#listeners) listener({ type, mount });
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: MountHubListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
