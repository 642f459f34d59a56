import type { Emit } from '../../core/event-draft.ts';

export type SensorName = 'usb' | 'file-copy' | 'print' | 'mail' | 'upload' | 'inventory';

export interface SensorStatus {
  /** running: working; degraded: retrying something (e.g. CUPS down); unsupported: not on this OS; stopped. */
  state: 'running' | 'degraded' | 'unsupported' | 'stopped';
  /** One human-readable line: why degraded/unsupported, or what is being watched. */
  detail: string;
}

// Emit lives in core/ beside EventDraft, so device control (control/) journals through the same type without
// reaching into sensors/; it is re-exported here because it is part of the sensor seam.
export type { Emit };

/** One way data leaves the PC, watched through one OS mechanism. */
export interface Sensor {
  /** Which sensor this is; an OS adapter and its fake share the name. */
  readonly name: SensorName;
  /** Starts watching; emits until `signal` aborts. Rejects only on programmer error. */
  start(emit: Emit, signal: AbortSignal): Promise<SensorStatus>;
  /** The sensor's status now (it may change after start, e.g. CUPS going away); reported in heartbeats. */
  status(): SensorStatus;
}

export function unsupportedHere(name: SensorName, availableOn: string): Sensor {
  const status: SensorStatus = {
    state: 'unsupported',
    detail: `${name} is not implemented for ${process.platform}; available on ${availableOn}`,
  };
  return { name, start: async () => status, status: () => status };
}
