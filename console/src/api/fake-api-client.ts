import type { ApiClient } from './client.ts';
import type { AccessRequest, Alert, AlertPage, InspectionReport, PcRow, PolicyVersion, Session, TimelineEvent } from '@mamori/collector/api';

// A scriptable ApiClient for component tests: canned answers, recorded calls, and a push() for live alerts.

export function sampleAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 1, ruleId: 'usb-copy', ruleName: 'Copy to USB', kind: 'file_copy', severity: 'critical', color: '#d32f2f', status: 'new',
    resolution: null, pc: 'PC-ACCT-07', user: 'tanaka', title: 'Copied 3 files to USB', count: 1, firstMs: Date.UTC(2026, 10, 22, 1),
    lastMs: Date.UTC(2026, 10, 22, 1), acknowledgedBy: null, acknowledgedMs: null, resolvedBy: null, resolvedMs: null, note: '', ...over,
  };
}

/** A first page holding `alerts`, with `total` matching in all (default: just those). */
export function alertPage(alerts: Alert[], total = alerts.length, page = 1): AlertPage {
  return { alerts, total, page, limit: 100 };
}

export function sampleAccessRequest(over: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 1, agentId: 'agent-1', requestId: 'req-1', pc: 'PC-ACCT-07', user: 'tanaka', timeMs: Date.UTC(2026, 10, 22, 1), subject: 'device',
    reason: 'Visitor slides for the 14:00 meeting', blockedRule: 'device.default',
    device: { vendorId: '0781', productId: '5581', serial: 'SN123', vendor: 'SanDisk', product: 'Ultra' },
    status: 'pending', decidedBy: null, decidedMs: null, note: '', untilMs: null, exceptionId: null, sentMs: null, receivedMs: null, ...over,
  };
}

export function samplePc(i: number, over: Partial<PcRow> = {}): PcRow {
  return {
    pc: `PC-${String(i).padStart(4, '0')}`, agentId: `agent-${i}`, os: i % 2 ? 'linux' : 'win32', connected: i % 3 !== 0,
    lastSeenMs: Date.UTC(2026, 10, 22) - i * 1000, currentUser: `user${i}`, agentVersion: '1', policyVersion: 1, journalBacklog: 0,
    openAlerts: i % 7, deviceMode: 'block', deviceRule: 'device.default', exceptionActive: false,
    department: ['経理部', '営業部', '総務部'][i % 3]!, site: i % 2 ? 'Tokyo' : 'Osaka', ...over,
  };
}

export function sampleEvent(over: Partial<TimelineEvent> = {}): TimelineEvent {
  return { id: 1, agentId: 'agent-1', seq: 1, timeMs: Date.UTC(2026, 10, 22, 1), receivedMs: Date.UTC(2026, 10, 22, 1) + 800, kind: 'file_copy', user: 'tanaka', action: 'created', summary: '/media/usb/a.xlsx', detail: 'removable', payload: {}, ...over };
}

export const samplePolicy: PolicyVersion = {
  version: 2, createdMs: Date.UTC(2026, 10, 22), createdBy: 'admin', comment: '',
  sources: [{ name: 'device.yaml', text: 'default:\n  mode: block\n' }, { name: 'print.yaml', text: 'thresholds: {}\n' }],
};

export function sampleReport(over: Partial<InspectionReport> = {}): InspectionReport {
  return {
    id: 1, template: 'monthly_inspection', title: '月次ログ点検報告書', periodKind: 'monthly', fromMs: Date.UTC(2026, 8, 30, 15), toMs: Date.UTC(2026, 9, 31, 15),
    timezone: 'Asia/Tokyo', scope: { description: '全PC', pcCount: null }, items: ['usb_use', 'risk_scores', 'admin_actions'],
    totals: { usb_use: 42, risk_scores: null, admin_actions: 3 }, coveredActors: ['alice'], generatedMs: Date.UTC(2026, 10, 1), generatedBy: 'system:scheduler',
    pdfSha256: 'ab'.repeat(32), csvSha256: 'cd'.repeat(32), auditId: 7, review: null, ...over,
  };
}

type Calls = { method: string; args: unknown[] }[];

/** Every method answers from `overrides` or a harmless default; `calls` records what the view asked. */
export function fakeApiClient(overrides: Partial<ApiClient> = {}, session: Session | null = { username: 'admin', role: 'admin', csrfToken: 'x' }) {
  const calls: Calls = [];
  const listeners = new Set<(alert: Alert) => void>();
  const base: ApiClient = {
    session: async () => session,
    signIn: async (username) => ({ username, role: 'admin', csrfToken: 'x' }),
    signOut: async () => undefined,
    alerts: async (filter) => ({ alerts: [], total: 0, page: filter.page ?? 1, limit: filter.limit ?? 100 }),
    alertKinds: async () => [],
    bulkAlerts: async (input) => ({ changed: input.ids?.length ?? 0, skipped: [] }),
    savedAlertFilters: async () => [],
    saveAlertFilter: async (name, filter) => ({ id: 1, name, filter, createdMs: 0 }),
    deleteAlertFilter: async () => undefined,
    alert: async () => ({ alert: sampleAlert(), events: [] }),
    acknowledgeAlert: async () => undefined,
    resolveAlert: async () => undefined,
    alertSummary: async () => ({ today: {}, byDay: [], topPcs: [], topUsers: [] }),
    subscribeAlerts: (onAlert, onState) => {
      listeners.add(onAlert);
      onState?.(true);
      return () => listeners.delete(onAlert);
    },
    pcs: async () => ({ pcs: [], nowMs: Date.UTC(2026, 10, 22) }),
    pc: async (name) => ({
      pc: { ...samplePc(1), pc: name }, device: { mode: 'block', message: '', rule: 'device.default', policyVersion: 1, allow: [], exceptions: [] }, exceptions: [], inventory: null,
    }),
    history: async () => ({ mode: 'page', events: [], next: null }),
    notReporting: async () => ({ pcs: [], count: 0, afterMs: 3 * 86_400_000, nowMs: Date.UTC(2026, 10, 22) }),
    offlinePcs: async () => [],
    importDirectory: async () => ({ imported: 0 }),
    directoryChoices: async () => ({ departments: [], sites: [] }),
    alertsByDepartment: async () => [],
    exceptions: async () => [],
    grantException: async (input) => ({ id: 'exc_1', pc: input.pc, serial: input.serial ?? null, mode: input.mode, untilMs: input.untilMs, reason: input.reason, createdBy: 'admin', createdMs: 0 }),
    unlockCode: async (input) => ({ code: 'ABCD-EFGH-JKMN-PQRS', untilMs: input.untilMs }),
    deviceControl: async (pc) => ({
      state: { pc, mode: 'block', rule: 'device.default', source: { kind: 'default', name: null }, pcMode: null, group: null, defaultMode: 'block', policyVersion: 1 },
      groups: [], exceptions: [], seen: [],
    }),
    setDeviceMode: async (pc, mode) => ({
      version: 2, state: { pc, mode: mode === 'inherit' ? 'block' : mode, rule: mode === 'inherit' ? 'device.default' : `device.pcs.${pc}`, source: mode === 'inherit' ? { kind: 'default', name: null } : { kind: 'pc', name: pc }, pcMode: mode === 'inherit' ? null : mode, group: null, defaultMode: 'block', policyVersion: 2 },
    }),
    setGroupDeviceMode: async () => ({ version: 2 }),
    registerStick: async () => ({ version: 2 }),
    revokeException: async () => undefined,
    uploadExceptions: async () => [],
    grantUploadException: async (input) => ({
      id: 'upx_1', pc: input.pc, user: input.user ?? null, category: input.category ?? null, domain: input.domain ?? null,
      untilMs: input.untilMs, reason: input.reason, createdBy: 'operator', createdMs: 0, revokedMs: null, revokedBy: null,
    }),
    revokeUploadException: async () => undefined,
    sensorHealth: async () => ({ pcs: [], bySensor: {}, pcsWithSensorsOff: 0 }),
    pcSensors: async (pc) => ({ pc, lastSeenMs: null, sensors: [], off: 0, unsupported: 0 }),
    settings: async () => ({
      smtp: { host: '127.0.0.1', port: 25, secure: false, from: 'mamori@localhost', passwordSet: false, source: 'config' },
      publicUrl: { value: 'http://localhost:8443', source: 'default' }, timeZone: { value: 'Asia/Tokyo', source: 'default' },
      mailLanguage: { default: 'en', recipients: {} }, updated: [], notificationsEnabled: true, recipients: [],
      outbox: { queued: 0, failing: 0, failed: 0, sentLastDay: 0, problems: [] },
    }),
    saveSettings: async () => undefined,
    display: async () => ({ timeZone: 'Asia/Tokyo' }),
    setLanguage: () => undefined,
    sendTestMail: async () => ({ response: '250 OK', server: '127.0.0.1:25' }),
    accessRequests: async () => [],
    approveAccessRequest: async (id, input) => sampleAccessRequest({ id, status: 'approved', decidedBy: 'admin', decidedMs: 0, note: input.note, untilMs: input.untilMs, exceptionId: 'exc_1' }),
    declineAccessRequest: async (id, note) => sampleAccessRequest({ id, status: 'declined', decidedBy: 'admin', decidedMs: 0, note }),
    logs: async () => ({ entries: [], next: null }),
    logEvent: async (id) => ({ ...sampleEvent({ id }), pc: 'PC-ACCT-07' }),
    logsCsvUrl: () => '/api/logs/export.csv',
    alertsExportUrl: (_filter, format) => `/api/alerts/export.${format}`,
    logsJsonLinesUrl: () => '/api/logs/export.jsonl',
    policy: async () => samplePolicy,
    policyVersions: async () => ({ currentVersion: 2, versions: [{ version: 2, createdMs: 0, createdBy: 'admin', comment: '' }, { version: 1, createdMs: 0, createdBy: 'system', comment: 'shipped defaults' }] }),
    policyVersion: async (version) => ({ ...samplePolicy, version }),
    validatePolicy: async () => [],
    publishPolicy: async () => 3,
    rollbackPolicy: async () => 3,
    audit: async () => ({ entries: [], next: null }),
    verifyAudit: async () => ({ entries: 0, ok: true, firstBadId: null }),
    evidenceKey: async () => ({ algorithm: 'Ed25519', publicKey: 'CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=', fingerprint: 'ab:cd' }),
    reports: async () => [],
    reportTemplates: async () => [],
    generateReport: async (input) => sampleReport({ template: input.template }),
    reviewReport: async (id, note) => sampleReport({ id, review: { reviewer: 'admin', reviewerRole: 'admin', note, reviewedMs: 0, auditId: 9 } }),
    reportFileUrl: (id, format) => `/api/reports/${id}/${format}`,
    riskRanking: async () => ({ date: '2026-11-22', pseudonymised: false, threshold: 60, entries: [] }),
    riskDepartments: async () => ({ date: '2026-11-22', departments: [] }),
    riskPerson: async (person) => ({ person, pseudonymous: false, date: '2026-11-22', days: [] }),
    revealRiskPerson: async () => ({ person: 'tanaka' }),
    importRiskAttendance: async () => ({ imported: 0 }),
    importRiskDeparting: async () => ({ imported: 0 }),
    riskDigestSubscriptions: async () => [],
    subscribeRiskDigest: async () => undefined,
    unsubscribeRiskDigest: async () => undefined,
  };
  const client = Object.fromEntries(Object.entries({ ...base, ...overrides }).map(([name, fn]) => [name, (...args: unknown[]) => {
    calls.push({ method: name, args });
    return (fn as (...a: unknown[]) => unknown)(...args);
  }])) as unknown as ApiClient;
  return { client, calls, push: (alert: Alert) => listeners.forEach((l) => l(alert)) };
}
