import type Database from 'better-sqlite3';
import type { Repositories } from '../../repositories/index.ts';
import { SqliteDeviceControlRepository } from './device-control.ts';
import { SqliteSensorHealthRepository } from './sensor-health.ts';
import { SqliteSettingsRepository } from './settings.ts';

/** The SQLite implementations of every repository over one database handle. */
export function createSqliteRepositories(db: Database.Database): Repositories {
  return {
    deviceControl: new SqliteDeviceControlRepository(db),
    sensorHealth: new SqliteSensorHealthRepository(db),
    settings: new SqliteSettingsRepository(db),
  };
}
