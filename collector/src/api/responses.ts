import { z } from 'zod';
import { alert, alertEvent, alertFinding, departmentAlertCounts, savedAlertFilter } from './alerts.ts';
import { accessRequest, deviceException, notReportingPc, offlinePc, pcRow, timelineEvent, uploadException } from './pcs.ts';
import { auditEntry, logEntry, policyProblem, policyVersion, policyVersionSummary } from './logs.ts';
import { deviceModeState } from './device-control.ts';
import { riskDepartment } from './risk.ts';

// The envelopes routes wrap their objects in (`{ pcs: [...], nowMs }`), named after the route that answers them.

/** GET /api/alerts/:id — `findings` comes with integrity alerts (rule `integrity.<kind>`), which have no events behind them. */
export const alertDetailResponse = z.strictObject({ alert, events: z.array(alertEvent), findings: z.array(alertFinding).optional() });
/** POST /api/alerts/:id/acknowledge and /resolve. */
export const alertChangeResponse = z.strictObject({ alert });
/** POST /api/alerts/bulk. */
export const bulkAlertResponse = z.strictObject({ changed: z.number(), changedIds: z.array(z.number()), skipped: z.array(z.number()) });
/** GET /api/alerts/filters and POST /api/alerts/filters. */
export const savedAlertFiltersResponse = z.strictObject({ filters: z.array(savedAlertFilter) });
export const savedAlertFilterResponse = z.strictObject({ filter: savedAlertFilter });
/** GET /api/alerts/by-department. */
export const alertsByDepartmentResponse = z.strictObject({ departments: z.array(departmentAlertCounts) });
/** GET /api/pcs. */
export const pcListResponse = z.strictObject({ pcs: z.array(pcRow), nowMs: z.number() });
/** GET /api/not-reporting. */
export const notReportingResponse = z.strictObject({ pcs: z.array(notReportingPc), count: z.number(), afterMs: z.number(), nowMs: z.number() });
/** GET /api/alerts/:id/offline-pcs. */
export const offlinePcsResponse = z.strictObject({ pcs: z.array(offlinePc) });
/** GET /api/exceptions?pc= and POST /api/exceptions. */
export const exceptionListResponse = z.strictObject({ exceptions: z.array(deviceException) });
export const uploadExceptionListResponse = z.strictObject({ exceptions: z.array(uploadException) });
/** GET /api/access-requests. */
export const accessRequestListResponse = z.strictObject({ requests: z.array(accessRequest) });
/** GET /api/logs. */
export const logPageResponse = z.strictObject({ entries: z.array(logEntry), next: z.string().nullable() });
/** GET /api/logs/events/:id: one event as the PC history shows it, with its PC. */
export const logEventResponse = z.strictObject({ event: timelineEvent.extend({ pc: z.string() }) });
/** POST /api/access-requests/:id/approve and /decline (an approval names the exception it made). */
export const accessRequestDecisionResponse = z.strictObject({ request: accessRequest, exception: z.union([deviceException, uploadException]).optional() });
/** POST /api/exceptions and /api/upload/exceptions, DELETE /api/upload/exceptions/:id. */
export const exceptionResponse = z.strictObject({ exception: deviceException });
export const uploadExceptionResponse = z.strictObject({ exception: uploadException });
/** GET /api/audit. */
export const auditPageResponse = z.strictObject({ entries: z.array(auditEntry), next: z.number().nullable() });
/** GET /api/audit/verify. */
export const auditVerifyResponse = z.strictObject({ entries: z.number(), ok: z.boolean(), firstBadId: z.number().nullable() });
/** GET /api/policies: the version being served. */
export const currentPolicyResponse = z.strictObject({ current: policyVersion });
/** GET /api/policies/versions/:version. */
export const policyVersionResponse = z.strictObject({ version: policyVersion });
/** POST /api/policies/validate. */
export const policyValidationResponse = z.strictObject({ ok: z.boolean(), problems: z.array(policyProblem) });
/** GET /api/policies/versions. */
export const policyVersionsResponse = z.strictObject({ currentVersion: z.number(), versions: z.array(policyVersionSummary) });
/** PUT /api/pcs/:pc/device-control. */
export const deviceModeChangeResponse = z.strictObject({ version: z.number(), state: deviceModeState });
/** GET /api/risk/departments. */
export const riskDepartmentsResponse = z.strictObject({ date: z.string(), departments: z.array(riskDepartment) });

export type AlertDetailResponse = z.infer<typeof alertDetailResponse>;
export type BulkAlertResponse = z.infer<typeof bulkAlertResponse>;
export type PcListResponse = z.infer<typeof pcListResponse>;
export type NotReportingResponse = z.infer<typeof notReportingResponse>;
export type LogPageResponse = z.infer<typeof logPageResponse>;
export type AuditPageResponse = z.infer<typeof auditPageResponse>;
export type AuditVerifyResponse = z.infer<typeof auditVerifyResponse>;
export type PolicyVersionsResponse = z.infer<typeof policyVersionsResponse>;
export type DeviceModeChangeResponse = z.infer<typeof deviceModeChangeResponse>;
export type RiskDepartmentsResponse = z.infer<typeof riskDepartmentsResponse>;
