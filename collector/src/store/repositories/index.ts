import type { AccessRequestsRepository } from './access-requests.ts';
import type { DeviceControlRepository } from './device-control.ts';
import type { SensorHealthRepository } from './sensor-health.ts';
import type { SettingsRepository } from './settings.ts';
import type { AlertsRepository } from './alerts.ts';
import type { AlertWindowsRepository } from './alert-windows.ts';
import type { AuditRepository } from './audit.ts';
import type { DevicesRepository } from './devices.ts';
import type { DirectoryRepository } from './directory.ts';
import type { LogImportsRepository } from './log-imports.ts';
import type { LogsRepository } from './logs.ts';
import type { MailRepository } from './mail.ts';
import type { NotifyRepository } from './notify.ts';
import type { OperationsRepository } from './operations.ts';
import type { PcsRepository } from './pcs.ts';
import type { PoliciesRepository } from './policies.ts';
import type { PrintRepository } from './print.ts';
import type { ReportsRepository } from './reports.ts';
import type { RiskRepository } from './risk.ts';
import type { RiskDigestRepository } from './risk-digest.ts';
import type { SavedAlertFiltersRepository } from './saved-alert-filters.ts';
import type { SiemRepository } from './siem.ts';
import type { SiemRecordsRepository } from './siem-records.ts';
import type { UploadRepository } from './upload.ts';
import type { UploadExceptionsRepository } from './upload-exceptions.ts';

/**
 * The collector's data beyond the `Store` (query tables, alerts, outbox, reports…), one async repository per
 * feature. Nothing outside `collector/src/store/` holds a database handle: routes and services get these.
 * One line per feature; each implementation (SQLite now, PostgreSQL later) registers the same names.
 */
export interface Repositories {
  accessRequests: AccessRequestsRepository;
  alerts: AlertsRepository;
  alertWindows: AlertWindowsRepository;
  audit: AuditRepository;
  devices: DevicesRepository;
  directory: DirectoryRepository;
  logImports: LogImportsRepository;
  logs: LogsRepository;
  mail: MailRepository;
  notify: NotifyRepository;
  operations: OperationsRepository;
  pcs: PcsRepository;
  policies: PoliciesRepository;
  print: PrintRepository;
  reports: ReportsRepository;
  savedAlertFilters: SavedAlertFiltersRepository;
  siem: SiemRepository;
  siemRecords: SiemRecordsRepository;
  upload: UploadRepository;
  deviceControl: DeviceControlRepository;
  sensorHealth: SensorHealthRepository;
  settings: SettingsRepository;
  risk: RiskRepository;
  uploadExceptions: UploadExceptionsRepository;
  riskDigest: RiskDigestRepository;
}
