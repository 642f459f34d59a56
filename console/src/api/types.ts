// Shapes the collector's HTTP API returns. Every string that came from a PC (file names, subjects, device
// strings, user names) is untrusted text: render it as text, never as HTML.

export type Role = 'admin' | 'operator' | 'auditor';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type AlertStatus = 'new' | 'acknowledged' | 'resolved';
export type Resolution = 'true_positive' | 'false_positive';

export interface Session {
  username: string;
  role: Role;
  csrfToken: string;
}

export interface Alert {
  id: number;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: Severity;
  color: string;
  status: AlertStatus;
  resolution: Resolution | null;
  pc: string;
  user: string;
  title: string;
  count: number;
  firstMs: number;
  lastMs: number;
  acknowledgedBy: string | null;
  acknowledgedMs: number | null;
  resolvedBy: string | null;
  resolvedMs: number | null;
  note: string;
  /** The PC's department and site from the directory import ('' when it does not name the PC). */
  department?: string;
  site?: string;
}

export interface AlertFilter {
  severity?: Severity | '';
  kind?: string;
  pc?: string;
  user?: string;
  /** Exact department / site from the directory import. */
  department?: string | undefined;
  site?: string | undefined;
  /** 'open': new or acknowledged (the dashboard's counts). */
  status?: AlertStatus | 'open' | '';
  from?: number;
  to?: number;
  limit?: number;
  before?: number;
  /** 1-based page of `limit` alerts, newest first by event time. */
  page?: number;
}

/** Open alerts of one department per severity (dashboard). */
export interface DepartmentAlertCounts { department: string; bySeverity: Record<string, number>; total: number }

/** One page of the alert list and how many alerts match in all. */
export interface AlertPage {
  alerts: Alert[];
  total: number;
  page: number;
  limit: number;
}

/** A bulk acknowledge/resolve: the chosen alerts, or every alert matching a filter; one note for all. */
export interface BulkAlertAction {
  action: 'acknowledge' | 'resolve';
  resolution?: Resolution;
  note: string;
  ids?: number[];
  filter?: AlertFilter;
}

/** A user's saved alert filter (stored in the collector, per user). */
export interface SavedAlertFilter {
  id: number;
  name: string;
  filter: AlertFilter;
  createdMs: number;
}

/** What the collector observed behind an integrity alert (a rate-limited finding stands for `count` occurrences). */
export interface AlertFinding {
  agentId: string;
  timeMs: number;
  kind: string;
  detail: string;
  count: number;
}

export interface AlertEvent {
  id: number;
  agentId: string;
  seq: number;
  timeMs: number;
  /** The collector's clock when it stored the event. */
  receivedMs?: number;
  kind: string;
  pc: string;
  user: string;
  payload: Record<string, unknown> | null;
}

export interface AlertSummary {
  today: Partial<Record<Severity, number>>;
  byDay: { day: string; severity: Severity; count: number }[];
  topPcs: { pc: string; count: number }[];
  topUsers: { user: string; count: number }[];
}

export interface PcRow {
  pc: string;
  agentId: string;
  os: string;
  connected: boolean;
  lastSeenMs: number | null;
  currentUser: string;
  agentVersion: string;
  policyVersion: number;
  journalBacklog: number;
  openAlerts: number;
  deviceMode: string;
  deviceRule: string;
  exceptionActive: boolean;
  /** From the directory import; '' when the directory does not name the PC. */
  department: string;
  site: string;
}

export interface DeviceException {
  id: string;
  pc: string;
  serial: string | null;
  mode: string;
  untilMs: number;
  reason: string;
  createdBy: string;
  createdMs: number;
}

/** A temporary upload exception (collector/src/store/repositories/upload-exceptions.ts, as the API returns it). */
export interface UploadException {
  id: string;
  pc: string;
  user: string | null;
  category: string | null;
  domain: string | null;
  untilMs: number;
  reason: string;
  createdBy: string;
  createdMs: number;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'declined';

/** An employee's request from the tray to use a blocked device; every string but the ids came from the PC. */
export interface AccessRequest {
  id: number;
  agentId: string;
  requestId: string;
  pc: string;
  user: string;
  timeMs: number;
  subject: string;
  reason: string;
  blockedRule: string;
  device: { vendorId: string; productId: string; serial: string; vendor: string; product: string };
  /** Upload requests (subject "upload"): the site asked for; `domain` is what an approval's exception names. */
  upload?: { host: string; domain: string; category: string; fileNames: string[] } | null;
  status: AccessRequestStatus;
  decidedBy: string | null;
  decidedMs: number | null;
  note: string;
  untilMs: number | null;
  exceptionId: string | null;
  sentMs: number | null;
  receivedMs: number | null;
}

export interface AccessRequestFilter {
  status?: AccessRequestStatus | '';
  pc?: string;
  limit?: number;
}

export interface PcDetail {
  pc: Omit<PcRow, 'deviceMode' | 'deviceRule' | 'exceptionActive' | 'department' | 'site'>;
  device: { mode: string; message: string; rule: string; policyVersion: number; allow: { name: string; vendor_id?: string; product_id?: string; serial?: string; mode: string }[] };
  exceptions: DeviceException[];
  inventory: { timeMs: number; snapshot: Record<string, unknown> | null } | null;
}

export interface TimelineEvent {
  id: number;
  agentId: string;
  seq: number;
  /** The PC's clock when it happened. */
  timeMs: number;
  /** The collector's clock when it was stored. */
  receivedMs: number;
  kind: string;
  user: string;
  action: string;
  summary: string;
  detail: string;
  payload: Record<string, unknown> | null;
}

export interface HistoryQuery {
  before?: string;
  at?: number;
  around?: number;
  windowMs?: number;
  kinds?: string[];
  limit?: number;
}

export interface HistoryPage {
  mode: 'page' | 'window';
  events: TimelineEvent[];
  next: string | null;
  fromMs?: number;
  toMs?: number;
}

export interface LogEntry {
  eventId: number;
  timeMs: number;
  pc: string;
  /** The agent that recorded it (a PC name may have had several). */
  agentId: string;
  user: string;
  kind: string;
  action: string;
  summary: string;
  detail: string;
  sizeBytes: number;
}

export interface LogFilter {
  q?: string;
  kind?: string;
  pc?: string;
  user?: string;
  action?: string;
  /** Exact department / site from the directory import (list and exports). */
  department?: string;
  site?: string;
  from?: number;
  to?: number;
  before?: string;
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface PolicySource {
  name: string;
  text: string;
}

export interface PolicyVersionSummary {
  version: number;
  createdMs: number;
  createdBy: string;
  comment: string;
}

export interface PolicyVersion extends PolicyVersionSummary {
  sources: PolicySource[];
}

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

export interface AuditEntry {
  id: number;
  timeMs: number;
  actor: string;
  action: string;
  entry: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The collector's evidence-signing key (GET /api/evidence/key): pass publicKey to the verifier's --collector-key. */
export interface EvidenceKey {
  algorithm: 'Ed25519';
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  /** SHA-256 of the raw key, hex pairs. */
  fingerprint: string;
}

/** An inspection report as listed (its PDF/CSV are downloaded by URL). */
export interface InspectionReport {
  id: number;
  template: string;
  title: string;
  periodKind: 'weekly' | 'monthly' | 'on_demand';
  fromMs: number;
  toMs: number;
  timezone: string;
  scope: { description: string; pcCount: number | null };
  items: string[];
  totals: Record<string, number | null>;
  coveredActors: string[];
  generatedMs: number;
  generatedBy: string;
  pdfSha256: string;
  csvSha256: string;
  auditId: number;
  review: { reviewer: string; reviewerRole: string; note: string; reviewedMs: number; auditId: number } | null;
}

export interface ReportTemplateSummary {
  name: string;
  title: string;
  schedule: 'weekly' | 'monthly' | 'none';
  timezone: string;
  items: string[];
  recipients: number;
}

/** A PC whose agent has not reported for longer than the policy's `not_reporting_after` (GET /api/not-reporting). */
export interface NotReportingPc {
  pc: string;
  agentId: string;
  /** Its site per the policy's PC-name patterns ("default" when none matches). */
  site: string;
  /** Null when it never connected after enrolling. */
  lastSeenMs: number | null;
  enrolledMs: number;
  silentDays: number;
}

/** A PC behind an "N PCs offline" alert. */
export interface OfflinePc {
  agentId: string;
  pc: string;
  sinceMs: number;
}

// --- Device control without YAML (issue 19) ---
export type DeviceModeName = 'block' | 'read_only' | 'allow' | 'audit';
export interface DeviceModeState {
  pc: string;
  mode: DeviceModeName;
  rule: string;
  source: { kind: 'pc' | 'group' | 'default'; name: string | null };
  pcMode: DeviceModeName | null;
  group: { name: string; mode: DeviceModeName | null } | null;
  defaultMode: DeviceModeName;
  policyVersion: number;
}
export type ActiveException =
  | (DeviceException & { source: 'collector' })
  | { id: string; mode: string; serial: string | null; untilMs: number; appliedMs: number; source: 'offline_code' };
export interface DeviceSeenOnPc { vendorId: string; productId: string; serial: string; vendor: string; product: string; lastSeenMs: number; lastUser: string }
export interface DeviceControlView {
  state: DeviceModeState;
  groups: { name: string; mode: DeviceModeName | null; pcs: string[] }[];
  exceptions: ActiveException[];
  seen: DeviceSeenOnPc[];
}
export interface StickRegistration { name: string; serial: string; vendorId?: string; productId?: string; mode: DeviceModeName; pcs: string[]; users: string[] }

// --- Sensor health (issue 19) ---
export interface SensorHealth { name: string; state: string; detail: string; sinceMs: number | null }
export interface PcSensorHealth { pc: string; lastSeenMs: number | null; sensors: SensorHealth[]; off: number; unsupported: number }
export interface SensorHealthSummary { pcs: PcSensorHealth[]; bySensor: Record<string, { off: number; unsupported: number }>; pcsWithSensorsOff: number }

// --- Settings (issue 19) ---
export interface OutboxProblem { id: number; recipient: string; subject: string; attempts: number; lastError: string; createdMs: number; nextAttemptMs: number; failedMs: number | null }
export interface CollectorSettings {
  smtp: { host: string; port: number; secure: boolean; from: string; user?: string; passwordSet: boolean; source: 'console' | 'config' };
  publicUrl: { value: string; source: 'console' | 'config' | 'default' };
  /** The organisation's time zone: every time in the console is shown in it. */
  timeZone: { value: string; source: 'console' | 'default' };
  /** The language alert mail is written in, by default and per recipient address. */
  mailLanguage: { default: 'en' | 'ja'; recipients: Record<string, 'en' | 'ja'> };
  updated: { key: string; updatedMs: number; updatedBy: string }[];
  notificationsEnabled: boolean;
  recipients: { group: string; recipients: string[]; minSeverity: string; immediate: string }[];
  outbox: { queued: number; failing: number; failed: number; sentLastDay: number; problems: OutboxProblem[] };
}
export interface SettingsUpdate {
  smtp?: { host: string; port: number; secure: boolean; from: string; user?: string; password?: string };
  publicUrl?: string;
  timeZone?: string;
  mailLanguage?: { default: 'en' | 'ja'; recipients: Record<string, 'en' | 'ja'> };
}
/** How every signed-in person sees times (GET /api/display). */
export interface DisplaySettings { timeZone: string }
// ── Risk intelligence (GET /api/risk/…) ─────────────────────────────────────────────────────────────────────────
/** A person in the ranking; `person` is a pseudonym ("P-…") when the policy pseudonymises and nobody revealed them. */
export interface RiskRankEntry { person: string; pseudonymous: boolean; department: string; score: number; yesterday: number; change: number; trend: number[] }
export interface RiskRanking { date: string; pseudonymised: boolean; threshold: number; entries: RiskRankEntry[] }
/** A manager who gets the daily digest of risk movers ('' department: everyone). */
export interface RiskDigestSubscription { email: string; department: string; createdBy: string; createdMs: number }
export interface RiskDepartment { department: string; people: number; top: number; mean: number; aboveThreshold: number }
/** An event behind an indicator (links to the PC's history at that time). */
export interface RiskEventRef { agentId: string; seq: number; eventId: number; pc: string; timeMs: number }
export interface RiskContribution { indicator: string; points: number; detail: string; events: RiskEventRef[]; eventCount: number }
export interface RiskDay { date: string; raw: number; score: number; department: string; contributions: RiskContribution[] }
export interface RiskPerson { person: string; pseudonymous: boolean; date: string; days: RiskDay[] }
