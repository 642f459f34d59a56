import type Database from 'better-sqlite3';
import type { Repositories } from '../../repositories/index.ts';
import { SqliteAccessRequestsRepository } from './access-requests.ts';
import { SqliteDeviceControlRepository } from './device-control.ts';
import { SqliteSensorHealthRepository } from './sensor-health.ts';
import { SqliteSettingsRepository } from './settings.ts';
import { SqliteAlertWindowsRepository } from './alert-windows.ts';
import { SqliteAlertsRepository } from './alerts.ts';
import { SqliteAuditRepository } from './audit.ts';
import { SqliteDevicesRepository } from './devices.ts';
import { SqliteDirectoryRepository } from './directory.ts';
import { SqliteLogImportsRepository } from './log-imports.ts';
import { SqliteLogsRepository } from './logs.ts';
import { SqliteMailRepository } from './mail.ts';
import { SqliteNotifyRepository } from './notify.ts';
import { SqliteOperationsRepository } from './operations.ts';
import { SqlitePcsRepository } from './pcs.ts';
import { SqlitePoliciesRepository } from './policies.ts';
import { SqlitePrintRepository } from './print.ts';
import { SqliteReportsRepository } from './reports.ts';
import { SqliteRiskRepository } from './risk.ts';
import { SqliteRiskDigestRepository } from './risk-digest.ts';
import { SqliteSavedAlertFiltersRepository } from './saved-alert-filters.ts';
import { SqliteSiemRepository } from './siem.ts';
import { SqliteSiemRecordsRepository } from './siem-records.ts';
import { SqliteUploadRepository } from './upload.ts';
import { SqliteUploadExceptionsRepository } from './upload-exceptions.ts';

/** Every repository over one SQLite database (the handle stays inside `store/`). */
export function createSqliteRepositories(db: Database.Database): Repositories {
  return {
    accessRequests: new SqliteAccessRequestsRepository(db),
    alerts: new SqliteAlertsRepository(db),
    alertWindows: new SqliteAlertWindowsRepository(db),
    audit: new SqliteAuditRepository(db),
    devices: new SqliteDevicesRepository(db),
    directory: new SqliteDirectoryRepository(db),
    logImports: new SqliteLogImportsRepository(db),
    logs: new SqliteLogsRepository(db),
    mail: new SqliteMailRepository(db),
    notify: new SqliteNotifyRepository(db),
    operations: new SqliteOperationsRepository(db),
    pcs: new SqlitePcsRepository(db),
    policies: new SqlitePoliciesRepository(db),
    print: new SqlitePrintRepository(db),
    reports: new SqliteReportsRepository(db),
    savedAlertFilters: new SqliteSavedAlertFiltersRepository(db),
    siem: new SqliteSiemRepository(db),
    siemRecords: new SqliteSiemRecordsRepository(db),
    upload: new SqliteUploadRepository(db),
    deviceControl: new SqliteDeviceControlRepository(db),
    sensorHealth: new SqliteSensorHealthRepository(db),
    settings: new SqliteSettingsRepository(db),
    risk: new SqliteRiskRepository(db),
    uploadExceptions: new SqliteUploadExceptionsRepository(db),
    riskDigest: new SqliteRiskDigestRepository(db),
  };
}
