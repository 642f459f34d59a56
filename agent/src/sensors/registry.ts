import type { AgentConfig } from '../config/schema.ts';
import type { DeviceControl } from '../control/common/device-control.ts';
import type { PolicyHolder } from '../core/policy-holder.ts';
import type { MountHub } from '../core/removable-media/mount-hub.ts';
import type { LocalRoutes } from '../local/local-server.ts';
import type { Sensor } from './common/sensor.ts';
import type { UploadSensorOptions } from './upload/common/upload-sensor.ts';

/** What every sensor factory may use. */
export interface SensorContext {
  config: AgentConfig;
  policy: PolicyHolder;
  /** The logged-in user now, where knowable. */
  currentUser: () => string;
  /** The agent's loopback endpoint (agent/src/local), for sensors fed by the browser extension or the tray. */
  local?: LocalRoutes;
  /** Files an employee's upload access request (the tray's access-request flow), for the upload sensor. */
  requestUploadAccess?: UploadSensorOptions['requestAccess'];
  /**
   * The agent's device control, built by main.ts with this OS's enforcer (undefined where there is none): the usb
   * sensor feeds it observations; the tray reaches the same one for offline unlock codes.
   */
  deviceControl?: DeviceControl;
  /** Removable mounts device control let stay mounted: published by it, watched by the file-copy sensor. */
  mounts: MountHub;
}

/**
 * The one place adapters are chosen by `process.platform`. Each feature adds its factory here; factories load
 * OS modules with dynamic import() so a Windows-only module never loads on Linux.
 */
export async function createSensors(context: SensorContext): Promise<Sensor[]> {
  const factories: ((context: SensorContext) => Promise<Sensor>)[] = [
    // feature factories are listed here, one line each
    (c) => import('./usb/create-usb-sensor.ts').then((m) => m.createUsbSensor(c)),
    (c) => import('./file-copy/create-file-copy-sensor.ts').then((m) => m.createFileCopySensor(c)),
    (c) => import('./upload/factory.ts').then((m) => m.createUploadSensor(c)),
    (c) => import('./print/create-print-sensor.ts').then((m) => m.createPrintSensor(c)),
    (c) => import('./mail/create-mail-sensor.ts').then((m) => m.createMailSensor(c)),
  ];
  return Promise.all(factories.map((factory) => factory(context)));
}
