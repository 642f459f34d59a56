import type { StoredEvent } from '../types.ts';

/** The exfiltration vectors risk scoring weighs; '' for an observation that is only a signal. */
export type RiskVectorName = 'usb' | 'cloud_upload' | 'external_mail' | 'print';
export const riskVectorNames: readonly RiskVectorName[] = ['usb', 'cloud_upload', 'external_mail', 'print'];

/** Tamper, agent stops, blocked attempts and collector integrity findings; '' for an observation that is only a vector. */
export type RiskSignalName = 'tamper' | 'agent_stop' | 'blocked_attempt' | 'integrity';

/**
 * A collector integrity finding as risk sees it. Its observation has `eventId` = -id (findings are not events, and
 * their ids never meet events' ids), `seq` 0 and the finding's kind as `category`.
 */
export interface RiskIntegrityFinding {
  id: number;
  agentId: string;
  pc: string;
  timeMs: number;
  kind: string;
  detail: string;
  /** The user the PC's newest stored event at or before the finding names ('' when none: the PC only). */
  user: string;
}

/** What one stored event tells the risk scorer (derived from the evidence; rebuilt by a full recompute). */
export interface RiskObservation {
  eventId: number;
  agentId: string;
  seq: number;
  /** The user the event names ('' for system events: they count for the PC only). */
  person: string;
  pc: string;
  timeMs: number;
  /** Days since 1970-01-01 of the local date at the PC's site. */
  day: number;
  offHours: boolean;
  nonWorkingDay: boolean;
  /** offHours was judged by the person's attendance record of the day (not the site calendar). */
  byAttendance: boolean;
  vector: RiskVectorName | '';
  /** Bytes (pages for print). */
  volume: number;
  /** Destination category: upload category, "external" for mail, "unregistered" …; an integrity finding's kind ('' when none). */
  category: string;
  /** Destination keys for first-time checks: "domain:example.com", "device:SERIAL". */
  destinations: string[];
  /** Highest content-finding severity ('' without findings). */
  contentSeverity: string;
  signal: RiskSignalName | '';
}

/** An event behind an indicator: enough to find it in a PC's history. */
export interface RiskEventRef {
  agentId: string;
  seq: number;
  eventId: number;
  pc: string;
  timeMs: number;
}

/** One indicator's share of a day's points, with the events behind it. */
export interface RiskContribution {
  /** e.g. "vector.usb", "baseline.usb", "peers.cloud_upload", "timing.off_hours", "first_times.first_usb", "departing", "signals.tamper". */
  indicator: string;
  points: number;
  /** A short English explanation with the numbers ("12 copies, 1.2 GB"). */
  detail: string;
  /** The events behind it (the first ones, at most 20); `eventCount` says how many in all. */
  events: RiskEventRef[];
  eventCount: number;
}

/** A person's (or PC's) day: the points added that day and the decayed score that results. */
export interface RiskDayScore {
  /** Person (user name) or PC name. */
  subject: string;
  day: number;
  /** Person rows: the department of the day (directory import, by the PC used). */
  department: string;
  raw: number;
  score: number;
  contributions: RiskContribution[];
}

/** A departing employee from the HR import. */
export interface RiskDeparting {
  user: string;
  noticeDay: number;
  lastDay: number;
}

/** One day of a person's attendance record (CSV import): working time from start to end, in local minutes. */
export interface RiskAttendance {
  person: string;
  day: number;
  /** Minutes after local midnight; an end before the start means the shift ends the next day. */
  startMinutes: number;
  endMinutes: number;
}

/** "Expected activity": an indicator (or a family, e.g. "timing") that does not count for one person up to a day. */
export interface RiskSuppression {
  person: string;
  indicator: string;
  untilDay: number;
  reason: string;
  createdBy: string;
  createdMs: number;
}

/** The newest row of a person up to a day, for ranking (the score is decayed to that day by the caller). */
export interface RiskLatestRow {
  person: string;
  day: number;
  department: string;
  score: number;
}

/** Risk scores and their evidence-derived facts. */
export interface RiskRepository {
  /**
   * Stored events after a place in projection order, in that order, at most `limit` (catch-up and full recompute
   * read evidence here). The order is the id on SQLite; on PostgreSQL the export position of projected events
   * (each returned with its `position`), since ids there commit out of order.
   */
  eventsAfter(after: number, limit: number): Promise<StoredEvent[]>;
  /** Integrity findings with id > afterId, in id order, at most `limit` (each with the user of its PC at the time). */
  integrityFindingsAfter(afterId: number, limit: number): Promise<RiskIntegrityFinding[]>;
  /** The place in projection order (see eventsAfter) of the last event taken in (0 when never). */
  cursor(): Promise<number>;
  /** Every stored observation with day >= fromDay (a restart reloads the scorer's state from these). */
  observationsFrom(fromDay: number): Promise<RiskObservation[]>;
  /** Stores observations, changed day scores and the cursor in one transaction. */
  saveIncrement(change: { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number }): Promise<void>;
  /** Replaces every observation and score (a full recompute), with the cursor, in one transaction. */
  replaceAll(all: { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number }): Promise<void>;
  /** Each person's newest row with day <= `day` (department filter optional). */
  latestPersonRows(day: number, department?: string): Promise<RiskLatestRow[]>;
  /** A person's newest row with day <= `day` (undefined when none). */
  latestPersonRow(person: string, day: number): Promise<RiskLatestRow | undefined>;
  /** The user named by an agent's newest event that names one ('' when none): who is on that PC now, as far as the evidence says. */
  currentUserOfAgent(agentId: string): Promise<string>;
  /** A person's day rows in [fromDay, toDay], oldest first. */
  personDays(person: string, fromDay: number, toDay: number): Promise<RiskDayScore[]>;
  /** Day rows of several persons in [fromDay, toDay] without breakdowns (trends of a ranking). */
  personTrends(persons: string[], fromDay: number, toDay: number): Promise<{ person: string; day: number; score: number }[]>;
  /** Every person's and every PC's day rows (tests compare a full recompute with the incremental result). */
  allDayScores(): Promise<{ persons: RiskDayScore[]; pcs: RiskDayScore[] }>;
  /** A PC's day rows in [fromDay, toDay], oldest first. */
  pcDays(pc: string, fromDay: number, toDay: number): Promise<RiskDayScore[]>;
  /** Department per PC (directory import). */
  departmentsByPc(): Promise<Map<string, { department: string; site: string }>>;
  replaceDeparting(entries: RiskDeparting[], nowMs: number): Promise<void>;
  listDeparting(): Promise<RiskDeparting[]>;
  /** The pseudonym key, made on first use. */
  pseudonymSecret(): Promise<Buffer>;
  /** Records that a person's name was revealed (from then on shown by name). */
  addReveal(reveal: { person: string; by: string; reason: string; timeMs: number }): Promise<void>;
  revealedPersons(): Promise<Set<string>>;
  addSuppression(suppression: RiskSuppression): Promise<void>;
  /** Adds or replaces attendance days (a later import of the same person and day wins); earlier days stay. */
  upsertAttendance(entries: RiskAttendance[], nowMs: number): Promise<void>;
  listAttendance(): Promise<RiskAttendance[]>;
  /** Changes whenever attendance is imported (a running collector rescores when another process imported). */
  attendanceStamp(): Promise<string>;
  listSuppressions(): Promise<RiskSuppression[]>;
}
