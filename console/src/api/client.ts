import type {
  AccessRequest, AccessRequestFilter, Alert, DepartmentAlertCounts, AlertFilter, AlertPage, AlertSummary, BulkAlertAction, SavedAlertFilter, EvidenceKey, DeviceException, HistoryPage, HistoryQuery, LogFilter,
  InspectionReport, OfflinePc, PcDetail, PolicyProblem, ReportTemplateSummary, PolicySource, PolicyVersion, Resolution, Session, TimelineEvent,
  RiskDigestSubscription, RiskPerson, RiskRanking,
  AlertDetailResponse, AuditPageResponse, AuditVerifyResponse, DeviceModeChangeResponse, LogPageResponse, NotReportingResponse, PcListResponse,
  PolicyVersionsResponse, RiskDepartmentsResponse,
} from '@mamori/collector/api';
import type { CollectorSettings, DisplaySettings, DeviceControlView, DeviceModeName, PcSensorHealth, SensorHealthSummary, SettingsUpdate, StickRegistration, UploadException } from '@mamori/collector/api';

/** An API failure with the collector's error code (COLLECTOR_…) and, for policies, the inline problems. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: PolicyProblem[];
  constructor(status: number, code: string, message: string, problems: PolicyProblem[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

/** Everything the console asks the collector. Views get it from context, so tests pass a fake. */
export interface ApiClient {
  /** The current session, or null when signed out. */
  session(): Promise<Session | null>;
  signIn(username: string, password: string): Promise<Session>;
  signOut(): Promise<void>;

  /** One page of alerts (newest first by event time) with the total matching. */
  alerts(filter: AlertFilter): Promise<AlertPage>;
  /** The kinds of alert present, for the kind choice list. */
  alertKinds(): Promise<string[]>;
  /** Acknowledges or resolves many alerts in one audited action; alerts already past that state are skipped. */
  bulkAlerts(input: BulkAlertAction): Promise<{ changed: number; skipped: number[] }>;
  savedAlertFilters(): Promise<SavedAlertFilter[]>;
  /** Saves under a name (the same name replaces the user's earlier filter). */
  saveAlertFilter(name: string, filter: AlertFilter): Promise<SavedAlertFilter>;
  deleteAlertFilter(id: number): Promise<void>;
  /** `findings` comes with integrity alerts (rule `integrity.<kind>`), which have no events behind them. */
  alert(id: number): Promise<AlertDetailResponse>;
  acknowledgeAlert(id: number, note: string): Promise<void>;
  resolveAlert(id: number, resolution: Resolution, note: string): Promise<void>;
  alertSummary(days: number): Promise<AlertSummary>;
  /** Calls `onAlert` for every new or updated alert until the returned function is called. */
  subscribeAlerts(onAlert: (alert: Alert) => void, onState?: (live: boolean) => void): () => void;

  pcs(): Promise<PcListResponse>;
  pc(name: string): Promise<PcDetail>;
  /** PCs silent longer than the policy allows (or `days`), longest silent first, one line each. */
  notReporting(days?: number): Promise<NotReportingResponse>;
  /** The PCs behind an "N PCs offline" alert. */
  offlinePcs(alertId: number): Promise<OfflinePc[]>;
  /** Replaces the PC directory (admins); ApiError with `problems` (line, message) when a line is bad. */
  importDirectory(csv: string): Promise<{ imported: number }>;
  /** The departments and sites the directory names (filter choices). */
  directoryChoices(): Promise<{ departments: string[]; sites: string[] }>;
  /** Open alerts per department and severity (dashboard). */
  alertsByDepartment(): Promise<DepartmentAlertCounts[]>;
  history(pc: string, query: HistoryQuery): Promise<HistoryPage>;
  exceptions(pc: string): Promise<DeviceException[]>;
  grantException(input: { pc: string; mode: 'allow' | 'read_only' | 'audit'; untilMs: number; serial?: string; reason: string }): Promise<DeviceException>;
  unlockCode(input: { pc: string; untilMs: number; serial?: string }): Promise<{ code: string; untilMs: number }>;
  /** Device control without YAML: mode and its source, groups, active exceptions (offline codes too), sticks seen. */
  deviceControl(pc: string): Promise<DeviceControlView>;
  /** Admins: a new policy version with this PC's mode ('inherit' removes the PC's own setting). */
  setDeviceMode(pc: string, mode: DeviceModeName | 'inherit'): Promise<DeviceModeChangeResponse>;
  setGroupDeviceMode(group: string, mode: DeviceModeName | 'inherit'): Promise<{ version: number }>;
  /** Admins: adds a company stick to the allow-list (a new policy version). */
  registerStick(input: StickRegistration): Promise<{ version: number }>;
  /** Ends an exception now; the agent drops it within a second. */
  revokeException(id: string): Promise<void>;
  /** Upload exceptions in force on the PC. */
  uploadExceptions(pc: string): Promise<UploadException[]>;
  /** Operators: lifts an upload block/warning for one category or domain on the PC until a time (pushed at once). */
  grantUploadException(input: { pc: string; user?: string; category?: string; domain?: string; untilMs: number; reason: string }): Promise<UploadException>;
  revokeUploadException(id: string): Promise<void>;
  /** Every PC's sensors as last reported, with counts per sensor of PCs where it is off. */
  sensorHealth(): Promise<SensorHealthSummary>;
  pcSensors(pc: string): Promise<PcSensorHealth>;
  /** The organisation's time zone (any signed-in role). */
  display(): Promise<DisplaySettings>;
  /** The language the collector writes its own text in (alert titles) for this console: sent with every call. */
  setLanguage(language: string): void;
  /** Admins: SMTP server, public URL, recipients, outbox state. */
  settings(): Promise<CollectorSettings>;
  saveSettings(update: SettingsUpdate): Promise<void>;
  /** Sends a test mail now; resolves with the server's answer, ApiError with the SMTP error otherwise. */
  sendTestMail(to: string): Promise<{ response: string; server: string }>;

  accessRequests(filter: AccessRequestFilter): Promise<AccessRequest[]>;
  /** Approves and creates the temporary device exception; ApiError 409 when someone decided it first. */
  /** `mode` applies to device requests, `scope` (the site's domain or its category) to upload requests. */
  approveAccessRequest(id: number, input: { untilMs: number; mode: 'allow' | 'read_only'; note: string; scope?: 'domain' | 'category' }): Promise<AccessRequest>;
  /** ApiError 409 when someone decided it first. */
  declineAccessRequest(id: number, note: string): Promise<AccessRequest>;

  logs(filter: LogFilter): Promise<LogPageResponse>;
  logEvent(eventId: number): Promise<TimelineEvent & { pc: string }>;
  /** Where the browser downloads the CSV of a filter (a plain link: the session cookie goes with it). */
  logsCsvUrl(filter: LogFilter): string;
  /** Every alert matching the list's filter (no paging), streamed as CSV or JSON lines. */
  alertsExportUrl(filter: AlertFilter, format: 'csv' | 'jsonl'): string;
  /** The same export as JSON lines (one object per line). */
  logsJsonLinesUrl(filter: LogFilter): string;

  policy(): Promise<PolicyVersion>;
  policyVersions(): Promise<PolicyVersionsResponse>;
  policyVersion(version: number): Promise<PolicyVersion>;
  validatePolicy(sources: PolicySource[]): Promise<PolicyProblem[]>;
  /** Publishes; throws ApiError with `problems` when the policy is invalid. */
  publishPolicy(sources: PolicySource[], comment: string): Promise<number>;
  rollbackPolicy(version: number): Promise<number>;

  audit(query: { before?: number; actor?: string; action?: string; limit?: number }): Promise<AuditPageResponse>;
  verifyAudit(): Promise<AuditVerifyResponse>;
  /** The collector's evidence-signing public key, which signs export manifests: auditors pin it. */
  evidenceKey(): Promise<EvidenceKey>;

  /** Inspection reports, newest first. */
  reports(): Promise<InspectionReport[]>;
  reportTemplates(): Promise<ReportTemplateSummary[]>;
  /** Makes a report now; `from`/`to` are dates (YYYY-MM-DD, `to` inclusive) in the template's zone. */
  generateReport(input: { template: string; from: string; to: string }): Promise<InspectionReport>;
  /** ApiError 403 COLLECTOR_REPORT_SELF_REVIEW when the report lists your own admin actions. */
  reviewReport(id: number, note: string): Promise<InspectionReport>;
  /** Where the browser downloads a report's PDF or CSV (a plain link: the session cookie goes with it). */
  reportFileUrl(id: number, format: 'pdf' | 'csv'): string;

  /** Risk: the top `limit` people on `day` (default today), optionally of one department. */
  riskRanking(query: { day?: string; limit?: number; department?: string }): Promise<RiskRanking>;
  riskDepartments(day?: string): Promise<RiskDepartmentsResponse>;
  /** A person's (name or pseudonym) last `days` days with each day's breakdown. */
  riskPerson(person: string, query: { day?: string; days?: number }): Promise<RiskPerson>;
  /** Admins and auditors: shows a pseudonymised person by name from now on (reason audited). */
  revealRiskPerson(person: string, reason: string): Promise<{ person: string }>;
  /** Admins: attendance records (CSV, policy risk.attendance.columns); ApiError with `problems` when a line is bad. */
  importRiskAttendance(csv: string): Promise<{ imported: number }>;
  /** Admins: departing employees from HR (CSV, policy risk.departing.columns); replaces the list. */
  importRiskDeparting(csv: string): Promise<{ imported: number }>;
  /** Managers who get the daily digest of risk movers. */
  riskDigestSubscriptions(): Promise<RiskDigestSubscription[]>;
  subscribeRiskDigest(email: string, department: string): Promise<void>;
  unsubscribeRiskDigest(email: string): Promise<void>;
}

type Query = Record<string, string | number | undefined | null>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface ClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** EventSource constructor (absent in jsdom; tests pass a fake). */
  eventSource?: (url: string) => EventSource;
}

/** The browser's client: same-origin fetch with the session cookie, CSRF header on every mutation. */
export function createApiClient(options: ClientOptions = {}): ApiClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const openEvents = options.eventSource ?? ((url: string) => new EventSource(url, { withCredentials: true }));
  let csrfToken = '';
  let language = '';

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (language) headers['accept-language'] = language;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    const response = await doFetch(`${base}${path}`, {
      method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const error = (data ?? {}) as { error?: string; message?: string; problems?: PolicyProblem[] };
      throw new ApiError(response.status, error.error ?? `HTTP_${response.status}`, error.message ?? response.statusText, error.problems ?? []);
    }
    return data as T;
  }

  const keepSession = (session: Session): Session => {
    csrfToken = session.csrfToken;
    return session;
  };

  return {
    async session() {
      try {
        return keepSession(await call<Session>('GET', '/api/session'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    async signIn(username, password) {
      return keepSession(await call<Session>('POST', '/api/session', { username, password }));
    },
    async signOut() {
      await call('DELETE', '/api/session');
      csrfToken = '';
    },

    alerts: (filter) => call<AlertPage>('GET', `/api/alerts${queryString({ ...filter })}`),
    async alertKinds() {
      return (await call<{ kinds: string[] }>('GET', '/api/alerts/kinds')).kinds;
    },
    async bulkAlerts(input) {
      const filter = input.filter ? Object.fromEntries(Object.entries(input.filter).filter(([key, v]) => v !== '' && v !== undefined && !['page', 'limit', 'before'].includes(key))) : undefined;
      const { changed, skipped } = await call<{ changed: number; skipped: number[] }>('POST', '/api/alerts/bulk', { ...input, ...(filter ? { filter } : {}) });
      return { changed, skipped };
    },
    async savedAlertFilters() {
      return (await call<{ filters: SavedAlertFilter[] }>('GET', '/api/alerts/filters')).filters;
    },
    async saveAlertFilter(name, filter) {
      const kept = Object.fromEntries(Object.entries(filter).filter(([key, v]) => v !== '' && v !== undefined && !['page', 'limit', 'before'].includes(key)));
      return (await call<{ filter: SavedAlertFilter }>('POST', '/api/alerts/filters', { name, filter: kept })).filter;
    },
    async deleteAlertFilter(id) {
      await call('DELETE', `/api/alerts/filters/${id}`);
    },
    alert: (id) => call('GET', `/api/alerts/${id}`),
    async acknowledgeAlert(id, note) {
      await call('POST', `/api/alerts/${id}/acknowledge`, note ? { note } : {});
    },
    async resolveAlert(id, resolution, note) {
      await call('POST', `/api/alerts/${id}/resolve`, { resolution, ...(note ? { note } : {}) });
    },
    alertSummary: (days) => call('GET', `/api/alerts/summary${queryString({ days })}`),
    subscribeAlerts(onAlert, onState) {
      let source: EventSource | undefined;
      try {
        source = openEvents(`${base}/api/alerts/stream${language ? `?lang=${encodeURIComponent(language)}` : ''}`);
      } catch {
        onState?.(false);
        return () => undefined;
      }
      source.addEventListener('open', () => onState?.(true));
      source.addEventListener('error', () => onState?.(false));
      source.addEventListener('alert', (message) => {
        try {
          onAlert(JSON.parse((message as MessageEvent<string>).data) as Alert);
        } catch {
          // a malformed message is dropped; the next list refresh shows the truth
        }
      });
      return () => source?.close();
    },

    pcs: () => call('GET', '/api/pcs'),
    pc: (name) => call('GET', `/api/pcs/${encodeURIComponent(name)}`),
    notReporting: (days) => call('GET', `/api/not-reporting${queryString({ days })}`),
    importDirectory: (csv) => call('POST', '/api/directory', { csv }),
    directoryChoices: () => call('GET', '/api/directory/choices'),
    alertsByDepartment: async () => (await call<{ departments: DepartmentAlertCounts[] }>('GET', '/api/alerts/by-department')).departments,
    async offlinePcs(alertId) {
      return (await call<{ pcs: OfflinePc[] }>('GET', `/api/alerts/${alertId}/offline-pcs`)).pcs;
    },
    history: (pc, query) => call('GET', `/api/pcs/${encodeURIComponent(pc)}/history${queryString({ ...query, kinds: query.kinds?.join(',') })}`),
    async exceptions(pc) {
      return (await call<{ exceptions: DeviceException[] }>('GET', `/api/exceptions${queryString({ pc })}`)).exceptions;
    },
    async grantException(input) {
      return (await call<{ exception: DeviceException }>('POST', '/api/exceptions', input)).exception;
    },
    unlockCode: (input) => call('POST', '/api/exceptions/unlock-code', input),
    deviceControl: (pc) => call('GET', `/api/pcs/${encodeURIComponent(pc)}/device-control`),
    setDeviceMode: (pc, mode) => call('PUT', `/api/pcs/${encodeURIComponent(pc)}/device-mode`, { mode }),
    setGroupDeviceMode: (group, mode) => call('PUT', `/api/device-groups/${encodeURIComponent(group)}/mode`, { mode }),
    registerStick: (input) => call('POST', '/api/device-sticks', input),
    async revokeException(id) {
      await call('DELETE', `/api/exceptions/${encodeURIComponent(id)}`);
    },
    async uploadExceptions(pc) {
      return (await call<{ exceptions: UploadException[] }>('GET', `/api/upload/exceptions${queryString({ pc })}`)).exceptions;
    },
    async grantUploadException(input) {
      return (await call<{ exception: UploadException }>('POST', '/api/upload/exceptions', input)).exception;
    },
    async revokeUploadException(id) {
      await call('DELETE', `/api/upload/exceptions/${encodeURIComponent(id)}`);
    },
    sensorHealth: () => call('GET', '/api/sensor-health'),
    pcSensors: (pc) => call('GET', `/api/pcs/${encodeURIComponent(pc)}/sensors`),
    display: () => call('GET', '/api/display'),
    setLanguage(next) {
      language = next;
    },
    settings: () => call('GET', '/api/settings'),
    async saveSettings(update) {
      await call('PUT', '/api/settings', update);
    },
    sendTestMail: (to) => call('POST', '/api/settings/test-mail', { to }),

    async accessRequests(filter) {
      return (await call<{ requests: AccessRequest[] }>('GET', `/api/access-requests${queryString({ ...filter })}`)).requests;
    },
    async approveAccessRequest(id, input) {
      return (await call<{ request: AccessRequest }>('POST', `/api/access-requests/${id}/approve`, input)).request;
    },
    async declineAccessRequest(id, note) {
      return (await call<{ request: AccessRequest }>('POST', `/api/access-requests/${id}/decline`, { note })).request;
    },

    logs: (filter) => call('GET', `/api/logs${queryString({ ...filter })}`),
    async logEvent(eventId) {
      return (await call<{ event: TimelineEvent & { pc: string } }>('GET', `/api/logs/events/${eventId}`)).event;
    },
    alertsExportUrl: (filter, format) => `${base}/api/alerts/export.${format}${queryString({ ...filter, before: undefined, limit: undefined, page: undefined })}`,
    logsCsvUrl: (filter) => `${base}/api/logs/export.csv${queryString({ ...filter, before: undefined, limit: undefined })}`,
    logsJsonLinesUrl: (filter) => `${base}/api/logs/export.jsonl${queryString({ ...filter, before: undefined, limit: undefined })}`,

    async policy() {
      return (await call<{ current: PolicyVersion }>('GET', '/api/policies')).current;
    },
    policyVersions: () => call('GET', '/api/policies/versions'),
    async policyVersion(version) {
      return (await call<{ version: PolicyVersion }>('GET', `/api/policies/versions/${version}`)).version;
    },
    async validatePolicy(sources) {
      return (await call<{ ok: boolean; problems: PolicyProblem[] }>('POST', '/api/policies/validate', { sources })).problems;
    },
    async publishPolicy(sources, comment) {
      return (await call<{ version: number }>('POST', '/api/policies', { sources, comment })).version;
    },
    async rollbackPolicy(version) {
      return (await call<{ version: number }>('POST', '/api/policies/rollback', { version })).version;
    },

    audit: (query) => call('GET', `/api/audit${queryString(query)}`),
    verifyAudit: () => call('GET', '/api/audit/verify'),
    evidenceKey: () => call('GET', '/api/evidence/key'),

    async reports() {
      return (await call<{ reports: InspectionReport[] }>('GET', '/api/reports')).reports;
    },
    async reportTemplates() {
      return (await call<{ templates: ReportTemplateSummary[] }>('GET', '/api/reports/templates')).templates;
    },
    async generateReport(input) {
      return (await call<{ report: InspectionReport }>('POST', '/api/reports', input)).report;
    },
    async reviewReport(id, note) {
      return (await call<{ report: InspectionReport }>('POST', `/api/reports/${id}/review`, { note })).report;
    },
    reportFileUrl: (id, format) => `${base}/api/reports/${id}/${format}`,
    riskRanking: (query) => call('GET', `/api/risk/ranking${queryString(query)}`),
    riskDepartments: (day) => call('GET', `/api/risk/departments${queryString({ day })}`),
    riskPerson: (person, query) => call('GET', `/api/risk/people/${encodeURIComponent(person)}${queryString(query)}`),
    revealRiskPerson: (person, reason) => call('POST', '/api/risk/reveal', { person, reason }),
    importRiskAttendance: (csv) => call('POST', '/api/risk/attendance', { csv }),
    importRiskDeparting: (csv) => call('POST', '/api/risk/departing', { csv }),
    async riskDigestSubscriptions() {
      return (await call<{ subscriptions: RiskDigestSubscription[] }>('GET', '/api/risk/digest/subscriptions')).subscriptions;
    },
    async subscribeRiskDigest(email, department) {
      await call('POST', '/api/risk/digest/subscriptions', { email, department });
    },
    async unsubscribeRiskDigest(email) {
      await call('DELETE', `/api/risk/digest/subscriptions/${encodeURIComponent(email)}`);
    },
  };
}
