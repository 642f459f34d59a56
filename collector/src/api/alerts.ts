import { z } from 'zod';

// Alerts as GET/POST /api/alerts… return them. Response objects are strict: a route that adds or drops a field
// fails its test until this schema (and so the console's types) says the same.

export const role = z.enum(['admin', 'operator', 'auditor']);
export const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export const alertStatus = z.enum(['new', 'acknowledged', 'resolved']);
export const resolution = z.enum(['true_positive', 'false_positive']);

export const session = z.strictObject({ username: z.string(), role, csrfToken: z.string() });

export const alert = z.strictObject({
  id: z.number(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: z.string(),
  severity,
  color: z.string(),
  status: alertStatus,
  resolution: resolution.nullable(),
  pc: z.string(),
  user: z.string(),
  title: z.string(),
  count: z.number(),
  firstMs: z.number(),
  lastMs: z.number(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedMs: z.number().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedMs: z.number().nullable(),
  note: z.string(),
  /** The PC's department and site from the directory import ('' when it does not name the PC). */
  department: z.string().optional(),
  site: z.string().optional(),
});

export const alertFilter = z.object({
  severity: z.union([severity, z.literal('')]).optional(),
  kind: z.string().optional(),
  pc: z.string().optional(),
  user: z.string().optional(),
  /** Exact department / site from the directory import. */
  department: z.string().optional(),
  site: z.string().optional(),
  /** A status, 'open' (new or acknowledged: the dashboard's counts) or several comma-separated ('new,acknowledged'). */
  status: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  limit: z.number().optional(),
  before: z.number().optional(),
  /** 1-based page of `limit` alerts, newest first by event time. */
  page: z.number().optional(),
});

/** Open alerts of one department per severity (dashboard). */
export const departmentAlertCounts = z.strictObject({ department: z.string(), bySeverity: z.record(z.string(), z.number()), total: z.number() });

/** One page of the alert list and how many alerts match in all. */
export const alertPage = z.strictObject({ alerts: z.array(alert), total: z.number(), page: z.number(), limit: z.number() });

/** A bulk acknowledge/resolve: the chosen alerts, or every alert matching a filter; one note for all. */
export const bulkAlertAction = z.object({
  action: z.enum(['acknowledge', 'resolve']),
  resolution: resolution.optional(),
  note: z.string(),
  ids: z.array(z.number()).optional(),
  filter: alertFilter.optional(),
});

/** A user's saved alert filter (stored in the collector, per user). */
export const savedAlertFilter = z.strictObject({ id: z.number(), name: z.string(), filter: alertFilter, createdMs: z.number() });

/** What the collector observed behind an integrity alert (a rate-limited finding stands for `count` occurrences). */
export const alertFinding = z.strictObject({ agentId: z.string(), timeMs: z.number(), kind: z.string(), detail: z.string(), count: z.number() });

export const alertEvent = z.strictObject({
  id: z.number(),
  agentId: z.string(),
  seq: z.number(),
  timeMs: z.number(),
  /** The collector's clock when it stored the event. */
  receivedMs: z.number().optional(),
  kind: z.string(),
  pc: z.string(),
  user: z.string(),
  payload: z.record(z.string(), z.unknown()).nullable(),
});

export const alertSummary = z.strictObject({
  today: z.partialRecord(severity, z.number()),
  byDay: z.array(z.strictObject({ day: z.string(), severity, count: z.number() })),
  topPcs: z.array(z.strictObject({ pc: z.string(), count: z.number() })),
  topUsers: z.array(z.strictObject({ user: z.string(), count: z.number() })),
});

export type Role = z.infer<typeof role>;
export type Severity = z.infer<typeof severity>;
export type AlertStatus = z.infer<typeof alertStatus>;
export type Resolution = z.infer<typeof resolution>;
export type Session = z.infer<typeof session>;
export type Alert = z.infer<typeof alert>;
export type AlertFilter = z.infer<typeof alertFilter>;
export type DepartmentAlertCounts = z.infer<typeof departmentAlertCounts>;
export type AlertPage = z.infer<typeof alertPage>;
export type BulkAlertAction = z.infer<typeof bulkAlertAction>;
export type SavedAlertFilter = z.infer<typeof savedAlertFilter>;
export type AlertFinding = z.infer<typeof alertFinding>;
export type AlertEvent = z.infer<typeof alertEvent>;
export type AlertSummary = z.infer<typeof alertSummary>;
