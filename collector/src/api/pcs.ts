import { z } from 'zod';

// PCs, device exceptions, access requests and a PC's history as the /api/pcs… and /api/access-requests routes return them.

export const pcRow = z.strictObject({
  pc: z.string(),
  agentId: z.string(),
  os: z.string(),
  connected: z.boolean(),
  lastSeenMs: z.number().nullable(),
  currentUser: z.string(),
  agentVersion: z.string(),
  policyVersion: z.number(),
  journalBacklog: z.number(),
  openAlerts: z.number(),
  deviceMode: z.string(),
  deviceRule: z.string(),
  exceptionActive: z.boolean(),
  /** From the directory import; '' when the directory does not name the PC. */
  department: z.string(),
  site: z.string(),
});

export const deviceException = z.strictObject({
  id: z.string(),
  pc: z.string(),
  serial: z.string().nullable(),
  mode: z.string(),
  untilMs: z.number(),
  reason: z.string(),
  createdBy: z.string(),
  createdMs: z.number(),
  /** Only on the record a grant or revoke answers with (null on a grant); lists leave it out. */
  revokedMs: z.number().nullable().optional(),
});

/** A temporary upload exception (collector/src/store/repositories/upload-exceptions.ts, as the API returns it). */
export const uploadException = z.strictObject({
  id: z.string(),
  pc: z.string(),
  user: z.string().nullable(),
  category: z.string().nullable(),
  domain: z.string().nullable(),
  untilMs: z.number(),
  reason: z.string(),
  createdBy: z.string(),
  createdMs: z.number(),
  /** Set once revoked (a revoke answers with the revoked exception). */
  revokedMs: z.number().nullable(),
  revokedBy: z.string().nullable(),
});

export const accessRequestStatus = z.enum(['pending', 'approved', 'declined']);

/** An employee's request from the tray to use a blocked device; every string but the ids came from the PC. */
export const accessRequest = z.strictObject({
  id: z.number(),
  agentId: z.string(),
  requestId: z.string(),
  pc: z.string(),
  user: z.string(),
  timeMs: z.number(),
  subject: z.string(),
  reason: z.string(),
  blockedRule: z.string(),
  device: z.strictObject({ vendorId: z.string(), productId: z.string(), serial: z.string(), vendor: z.string(), product: z.string() }),
  /** Upload requests (subject "upload"): the site asked for; `domain` is what an approval's exception names. */
  upload: z.strictObject({ host: z.string(), domain: z.string(), category: z.string(), fileNames: z.array(z.string()) }).nullable().optional(),
  status: accessRequestStatus,
  decidedBy: z.string().nullable(),
  decidedMs: z.number().nullable(),
  note: z.string(),
  untilMs: z.number().nullable(),
  exceptionId: z.string().nullable(),
  sentMs: z.number().nullable(),
  receivedMs: z.number().nullable(),
});

export const accessRequestFilter = z.object({
  status: z.union([accessRequestStatus, z.literal('')]).optional(),
  pc: z.string().optional(),
  limit: z.number().optional(),
});

export const pcDetail = z.strictObject({
  pc: pcRow.omit({ deviceMode: true, deviceRule: true, exceptionActive: true, department: true, site: true }),
  device: z.strictObject({
    mode: z.string(),
    message: z.string(),
    rule: z.string(),
    policyVersion: z.number(),
    allow: z.array(z.strictObject({
      name: z.string(), vendor_id: z.string().optional(), product_id: z.string().optional(), serial: z.string().optional(), mode: z.string(),
      pcs: z.array(z.string()).optional(), users: z.array(z.string()).optional(),
    })),
    /** The exceptions as pushed to the agent in its policy (the full records are `exceptions` beside `device`). */
    exceptions: z.array(z.strictObject({
      id: z.string(), serial: z.string().optional(), mode: z.string(), untilMs: z.number(), reason: z.string().optional(), createdBy: z.string().optional(),
    })),
  }),
  exceptions: z.array(deviceException),
  inventory: z.strictObject({ timeMs: z.number(), snapshot: z.record(z.string(), z.unknown()).nullable() }).nullable(),
});

export const timelineEvent = z.strictObject({
  id: z.number(),
  agentId: z.string(),
  seq: z.number(),
  /** The PC's clock when it happened. */
  timeMs: z.number(),
  /** The collector's clock when it was stored. */
  receivedMs: z.number(),
  kind: z.string(),
  user: z.string(),
  action: z.string(),
  summary: z.string(),
  detail: z.string(),
  payload: z.record(z.string(), z.unknown()).nullable(),
});

export const historyQuery = z.object({
  before: z.string().optional(),
  at: z.number().optional(),
  around: z.number().optional(),
  windowMs: z.number().optional(),
  kinds: z.array(z.string()).optional(),
  limit: z.number().optional(),
});

export const historyPage = z.strictObject({
  mode: z.enum(['page', 'window']),
  events: z.array(timelineEvent),
  next: z.string().nullable(),
  fromMs: z.number().optional(),
  toMs: z.number().optional(),
});

/** A PC whose agent has not reported for longer than the policy's `not_reporting_after` (GET /api/not-reporting). */
export const notReportingPc = z.strictObject({
  pc: z.string(),
  agentId: z.string(),
  /** Its site per the policy's PC-name patterns ("default" when none matches). */
  site: z.string(),
  /** Null when it never connected after enrolling. */
  lastSeenMs: z.number().nullable(),
  enrolledMs: z.number(),
  silentDays: z.number(),
});

/** A PC behind an "N PCs offline" alert. */
export const offlinePc = z.strictObject({ agentId: z.string(), pc: z.string(), sinceMs: z.number() });

export type PcRow = z.infer<typeof pcRow>;
export type DeviceException = z.infer<typeof deviceException>;
export type UploadException = z.infer<typeof uploadException>;
export type AccessRequestStatus = z.infer<typeof accessRequestStatus>;
export type AccessRequest = z.infer<typeof accessRequest>;
export type AccessRequestFilter = z.infer<typeof accessRequestFilter>;
export type PcDetail = z.infer<typeof pcDetail>;
export type TimelineEvent = z.infer<typeof timelineEvent>;
export type HistoryQuery = z.infer<typeof historyQuery>;
export type HistoryPage = z.infer<typeof historyPage>;
export type NotReportingPc = z.infer<typeof notReportingPc>;
export type OfflinePc = z.infer<typeof offlinePc>;
