import type pg from 'pg';
import type { Repositories } from '../../repositories/index.ts';
import { PostgresAccessRequestsRepository } from './access-requests.ts';
import { PostgresAlertsRepository } from './alerts.ts';
import { PostgresAlertWindowsRepository } from './alert-windows.ts';
import { PostgresAuditRepository } from './audit.ts';
import { PostgresDeviceControlRepository } from './device-control.ts';
import { PostgresDevicesRepository } from './devices.ts';
import { PostgresDirectoryRepository } from './directory.ts';
import { PostgresLogImportsRepository } from './log-imports.ts';
import { PostgresLogsRepository } from './logs.ts';
import { PostgresMailRepository } from './mail.ts';
import { PostgresNotifyRepository } from './notify.ts';
import { PostgresOperationsRepository } from './operations.ts';
import { PostgresPcsRepository } from './pcs.ts';
import { PostgresPoliciesRepository } from './policies.ts';
import { PostgresPrintRepository } from './print.ts';
import { PostgresReportsRepository } from './reports.ts';
import { PostgresRiskRepository } from './risk.ts';
import { PostgresRiskDigestRepository } from './risk-digest.ts';
import { PostgresSavedAlertFiltersRepository } from './saved-alert-filters.ts';
import { PostgresSensorHealthRepository } from './sensor-health.ts';
import { PostgresSettingsRepository } from './settings.ts';
import { PostgresSiemRepository } from './siem.ts';
import { PostgresSiemRecordsRepository } from './siem-records.ts';
import { PostgresUploadRepository } from './upload.ts';
import { PostgresUploadExceptionsRepository } from './upload-exceptions.ts';

/** Every repository has a PostgreSQL implementation (issue 14: none left in a collector's local file). */
export type PostgresRepositories = Repositories;

/** Every repository built on PostgreSQL, over one migrated pool (the pool stays inside `store/`). */
export function createPostgresRepositories(pool: pg.Pool): PostgresRepositories {
  return {
    accessRequests: new PostgresAccessRequestsRepository(pool),
    alerts: new PostgresAlertsRepository(pool),
    alertWindows: new PostgresAlertWindowsRepository(pool),
    audit: new PostgresAuditRepository(pool),
    deviceControl: new PostgresDeviceControlRepository(pool),
    devices: new PostgresDevicesRepository(pool),
    directory: new PostgresDirectoryRepository(pool),
    logs: new PostgresLogsRepository(pool),
    notify: new PostgresNotifyRepository(pool),
    operations: new PostgresOperationsRepository(pool),
    pcs: new PostgresPcsRepository(pool),
    policies: new PostgresPoliciesRepository(pool),
    print: new PostgresPrintRepository(pool),
    savedAlertFilters: new PostgresSavedAlertFiltersRepository(pool),
    mail: new PostgresMailRepository(pool),
    upload: new PostgresUploadRepository(pool),
    sensorHealth: new PostgresSensorHealthRepository(pool),
    settings: new PostgresSettingsRepository(pool),
    logImports: new PostgresLogImportsRepository(pool),
    siem: new PostgresSiemRepository(pool),
    siemRecords: new PostgresSiemRecordsRepository(pool),
    risk: new PostgresRiskRepository(pool),
    reports: new PostgresReportsRepository(pool),
    uploadExceptions: new PostgresUploadExceptionsRepository(pool),
    riskDigest: new PostgresRiskDigestRepository(pool),
  };
}
