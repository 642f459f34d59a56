import { afterEach, describe } from 'vitest';
import { accessRequestsContract } from './access-requests.ts';
import { alertsContract } from './alerts.ts';
import { alertWindowsContract } from './alert-windows.ts';
import { auditPoliciesDirectoryContract } from './audit-policies-directory.ts';
import { deviceControlContract } from './device-control.ts';
import { devicesContract } from './devices.ts';
import { logImportsContract } from './log-imports.ts';
import { logsContract } from './logs.ts';
import { mailContract } from './mail.ts';
import { notifyContract } from './notify.ts';
import { pcsOperationsContract } from './pcs-operations.ts';
import { printContract } from './print.ts';
import { reportsContract } from './reports.ts';
import { riskContract } from './risk.ts';
import { riskDigestContract } from './risk-digest.ts';
import { savedAlertFiltersContract } from './saved-alert-filters.ts';
import { sensorsSettingsContract } from './sensors-settings.ts';
import { siemContract } from './siem.ts';
import { siemRecordsContract } from './siem-records.ts';
import type { RepositoriesUnderTest } from './subject.ts';
import { uploadContract } from './upload.ts';
import { uploadExceptionsContract } from './upload-exceptions.ts';

export type { ContractRepositories, RepositoriesUnderTest } from './subject.ts';

/**
 * What every implementation of the feature repositories must do, as one suite run against each backend
 * (sqlite/repositories.contract.test.ts, postgres/repositories.integration.test.ts). Each test gets a fresh database.
 */
export function repositoryContract(backend: string, open: () => Promise<RepositoriesUnderTest>): void {
  describe(`Repository contract: ${backend}`, () => {
    const opened: RepositoriesUnderTest[] = [];
    const start = async (): Promise<RepositoriesUnderTest> => {
      const subject = await open();
      opened.push(subject);
      return subject;
    };
    afterEach(async () => {
      for (const subject of opened.splice(0)) await subject.close().catch(() => undefined);
    });
    alertsContract(start);
    alertWindowsContract(start);
    notifyContract(start);
    auditPoliciesDirectoryContract(start);
    pcsOperationsContract(start);
    logsContract(start);
    deviceControlContract(start);
    printContract(start);
    accessRequestsContract(start);
    savedAlertFiltersContract(start);
    devicesContract(start);
    mailContract(start);
    uploadContract(start);
    sensorsSettingsContract(start);
    logImportsContract(start);
    siemContract(start);
    siemRecordsContract(start);
    riskContract(start);
    reportsContract(start);
    uploadExceptionsContract(start);
    riskDigestContract(start);
  });
}
