import type Database from 'better-sqlite3';
import type {
  DeviceEventRow, DeviceEventSearch, DevicesRepository, FileCopyRow, FileCopySearch, SeenDeviceRow,
} from '../../repositories/devices.ts';
import { searchDeviceEvents, searchFileCopies, seenDevices } from '../queries/devices.ts';

export class SqliteDevicesRepository implements DevicesRepository {
  constructor(private readonly db: Database.Database) {}
  async searchDeviceEvents(search: DeviceEventSearch): Promise<DeviceEventRow[]> { return searchDeviceEvents(this.db, search); }
  async searchFileCopies(search: FileCopySearch): Promise<FileCopyRow[]> { return searchFileCopies(this.db, search); }
  async seenDevices(fromMs: number, toMs: number, limit?: number): Promise<SeenDeviceRow[]> { return seenDevices(this.db, fromMs, toMs, limit); }
}
