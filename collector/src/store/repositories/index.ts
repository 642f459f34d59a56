import type { DeviceControlRepository } from './device-control.ts';
import type { SensorHealthRepository } from './sensor-health.ts';
import type { SettingsRepository } from './settings.ts';

/** Every repository the collector's features use; nothing outside store/ gets a database handle. */
export interface Repositories {
  deviceControl: DeviceControlRepository;
  sensorHealth: SensorHealthRepository;
  settings: SettingsRepository;
}
