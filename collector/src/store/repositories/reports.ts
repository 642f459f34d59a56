/** One row of a report item, in the shape the PDF tables and the CSV share. */
export interface ReportRow {
  pc: string;
  user: string;
  /** The item's breakdown: channel, event kind, host, pattern, finding kind, audit action … */
  category: string;
  detail: string;
  count: number;
  bytes: number;
  timeMs: number | null;
}

/** Which PCs a report covers, and which working calendar applies to each. */
export interface ReportPcs {
  /** false: every PC (rows listed in temp.report_pcs only carry a non-default calendar). */
  restricted: boolean;
  /** PC name → calendar index (0 = the organisation's calendar). */
  pcs: Map<string, number>;
}

export interface ReportRange {
  fromMs: number;
  toMs: number;
}

/**
 * Off-hours per calendar index as [startMs, endMs) pieces, each within one local day of the report (`day` = its
 * index), so off-hours rows are found by index range scans and counted per day in the same pass.
 */
export type OffHoursIntervals = { calendar: number; day: number; startMs: number; endMs: number }[];

export interface ItemQueryResult {
  rows: ReportRow[];
  /** The item's headline number (defined per item; see the report items' descriptions). */
  total: number;
  buckets: Map<number, number>;
}

export interface ReportRecord {
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
  review: ReportReview | null;
}

export interface ReportReview {
  reviewer: string;
  reviewerRole: string;
  note: string;
  reviewedMs: number;
  auditId: number;
}

export type NewReport = Omit<ReportRecord, 'id' | 'review' | 'auditId'>;

/** 15 minutes: every real zone's offset is a multiple of it, so the daily charts' buckets fall into local days whole. */
export const reportBucketMs = 900_000;

/** Decides by the policy's internal domains whether a mail (its to/cc/bcc as JSON arrays) went outside. */
export type ExternalMailCheck = (toJson: string, ccJson: string, bccJson: string) => boolean;

/** One person's risk scores over a report's local days (scores from collector/src/risk). */
export interface ReportRiskPerson {
  person: string;
  /** The highest score the person had on a day of the period, and that day (days since 1970-01-01). */
  peakScore: number;
  peakDay: number;
  /** Points the period's days added, per indicator (largest first), with the explanation of its largest day. */
  indicators: { indicator: string; points: number; detail: string }[];
  /** PCs the period's contributing events came from. */
  pcs: string[];
}

/** The per-item queries of one report, over [fromMs, toMs) and the PCs its scope was prepared with. */
export interface ReportItemQueries {
  /** Files copied to removable media (category "copy") and mounts (category "mount") per PC and user. */
  usbUse(range: ReportRange): Promise<ItemQueryResult>;
  /** Attempts policy stopped: USB devices blocked, mails blocked, print jobs cancelled or held by policy. */
  blockedAttempts(range: ReportRange): Promise<ItemQueryResult>;
  /** Logged activity outside each PC's working time, with its own per-day series (`days` local days). */
  offHoursActivity(range: ReportRange, days: number): Promise<ItemQueryResult & { daily: number[] }>;
  /** Mails sent with at least one non-inline attachment to at least one recipient outside the organisation. */
  externalMailWithAttachments(range: ReportRange, isExternal: ExternalMailCheck): Promise<ItemQueryResult>;
  /** Files uploaded to destinations categorised as personal cloud storage, per PC, user and host. */
  personalStorageUploads(range: ReportRange): Promise<ItemQueryResult>;
  /** Print jobs of more than `pages` pages, one row per job (count = its pages). */
  largePrints(range: ReportRange, pages: number): Promise<ItemQueryResult>;
  /** Mails in which the relay's content patterns matched, per pattern, verdict, PC and user. */
  contentFindings(range: ReportRange): Promise<ItemQueryResult>;
  /** Integrity findings and agents that stopped, were uninstalled, lost journal events or saw their clock jump. */
  tamperAndStops(range: ReportRange): Promise<ItemQueryResult>;
  /**
   * Risk: the `limit` people with the highest peak score on the local days [fromDay, toDay] (restricted to people
   * with scored events on the report's PCs), per-day counts of people at or above `threshold` (index 0 = fromDay),
   * and what names the policy shows (the pseudonym key and the people revealed).
   */
  riskScores(fromDay: number, toDay: number, limit: number, threshold: number): Promise<{
    persons: ReportRiskPerson[]; daily: number[]; aboveThreshold: number; secret: Buffer | undefined; revealed: Set<string>;
  }>;
  /** Every entry of the collector's audit chain in the period (organisation-wide, not restricted to the PCs). */
  adminActions(range: ReportRange): Promise<ItemQueryResult>;
}

/** Inspection reports: their item queries, the stored reports with their files and reviews, and schedule cursors. */
export interface ReportsRepository {
  /** The store file another thread may open read-only to build a report (undefined: in-memory, nothing to share). */
  readerFile(): string | undefined;
  /** PC names known to the collector (every agent, retired ones too: their history is still in the period). */
  knownPcs(): Promise<string[]>;
  /**
   * Runs one report's item queries with its scope (PCs, off-hours) prepared; reports wait for each other, since
   * an implementation may keep the scope in per-connection state.
   */
  withScope<T>(pcs: ReportPcs, offHours: OffHoursIntervals, work: (queries: ReportItemQueries) => Promise<T>): Promise<T>;
  /** Whether a scheduled report for this template and period exists already. */
  scheduledExists(template: string, periodKind: string, fromMs: number): Promise<boolean>;
  /**
   * Stores a report and its files; for a scheduled report also moves the template's cursor past its period, in
   * the same transaction. Undefined when a scheduled report for that period is already stored. The audit entry is
   * linked next with setAudit (0 until then: a crash in between leaves a report visibly without one, never the reverse).
   */
  insert(report: NewReport, files: { pdf: Buffer; csv: Buffer }, nextFromMs?: number): Promise<number | undefined>;
  /** Links a stored report with the audit entry that carries its hashes. */
  setAudit(id: number, auditId: number): Promise<void>;
  /** One report with its review, if any. */
  get(id: number): Promise<ReportRecord | undefined>;
  /** Newest first. */
  list(options: { template?: string; beforeId?: number; limit: number }): Promise<ReportRecord[]>;
  /** A stored report's PDF or CSV bytes. */
  file(id: number, format: 'pdf' | 'csv'): Promise<Buffer | undefined>;
  /** Records a review; false when the report already has one. */
  insertReview(reportId: number, review: ReportReview): Promise<boolean>;
  /** Where a template's schedule continues (the next period start). */
  scheduleCursor(template: string): Promise<{ periodKind: string; nextFromMs: number } | undefined>;
  /** Sets a template's cursor (never moves it back: a late duplicate run cannot re-open a period). */
  setScheduleCursor(template: string, periodKind: string, nextFromMs: number): Promise<void>;
}
