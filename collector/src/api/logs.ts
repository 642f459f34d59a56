import { z } from 'zod';

// The log search, policy versions, the audit chain, the evidence key and inspection reports as their routes return them.

export const logEntry = z.strictObject({
  eventId: z.number(),
  timeMs: z.number(),
  pc: z.string(),
  /** The agent that recorded it (a PC name may have had several). */
  agentId: z.string(),
  user: z.string(),
  kind: z.string(),
  action: z.string(),
  summary: z.string(),
  detail: z.string(),
  sizeBytes: z.number(),
  /** The PC's department and site from the directory import ('' when it does not name the PC). */
  department: z.string(),
  site: z.string(),
});

export const logFilter = z.object({
  q: z.string().optional(),
  kind: z.string().optional(),
  pc: z.string().optional(),
  user: z.string().optional(),
  action: z.string().optional(),
  /** Exact department / site from the directory import (list and exports). */
  department: z.string().optional(),
  site: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  before: z.string().optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.number().optional(),
});

export const policySource = z.strictObject({ name: z.string(), text: z.string() });
export const policyVersionSummary = z.strictObject({ version: z.number(), createdMs: z.number(), createdBy: z.string(), comment: z.string() });
export const policyVersion = policyVersionSummary.extend({ sources: z.array(policySource) });
export const policyProblem = z.strictObject({ file: z.string(), line: z.number(), column: z.number(), field: z.string(), message: z.string() });

export const auditEntry = z.strictObject({
  id: z.number(),
  timeMs: z.number(),
  actor: z.string(),
  action: z.string(),
  entry: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** The collector's evidence-signing key (GET /api/evidence/key): pass publicKey to the verifier's --collector-key. */
export const evidenceKey = z.strictObject({
  algorithm: z.literal('Ed25519'),
  /** Raw 32-byte public key, base64. */
  publicKey: z.string(),
  /** SHA-256 of the raw key, hex pairs. */
  fingerprint: z.string(),
});

/** An inspection report as listed (its PDF/CSV are downloaded by URL). */
export const inspectionReport = z.strictObject({
  id: z.number(),
  template: z.string(),
  title: z.string(),
  periodKind: z.enum(['weekly', 'monthly', 'on_demand']),
  fromMs: z.number(),
  toMs: z.number(),
  timezone: z.string(),
  scope: z.strictObject({ description: z.string(), pcCount: z.number().nullable() }),
  items: z.array(z.string()),
  totals: z.record(z.string(), z.number().nullable()),
  coveredActors: z.array(z.string()),
  generatedMs: z.number(),
  generatedBy: z.string(),
  pdfSha256: z.string(),
  csvSha256: z.string(),
  auditId: z.number(),
  review: z.strictObject({ reviewer: z.string(), reviewerRole: z.string(), note: z.string(), reviewedMs: z.number(), auditId: z.number() }).nullable(),
});

export const reportTemplateSummary = z.strictObject({
  name: z.string(),
  title: z.string(),
  schedule: z.enum(['weekly', 'monthly', 'none']),
  timezone: z.string(),
  items: z.array(z.string()),
  recipients: z.number(),
});

export type LogEntry = z.infer<typeof logEntry>;
export type LogFilter = z.infer<typeof logFilter>;
export type PolicySource = z.infer<typeof policySource>;
export type PolicyVersionSummary = z.infer<typeof policyVersionSummary>;
export type PolicyVersion = z.infer<typeof policyVersion>;
export type PolicyProblem = z.infer<typeof policyProblem>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type EvidenceKey = z.infer<typeof evidenceKey>;
export type InspectionReport = z.infer<typeof inspectionReport>;
export type ReportTemplateSummary = z.infer<typeof reportTemplateSummary>;
