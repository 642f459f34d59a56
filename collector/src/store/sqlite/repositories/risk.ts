import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  RiskAttendance, RiskContribution, RiskDayScore, RiskDeparting, RiskIntegrityFinding, RiskLatestRow, RiskObservation, RiskRepository, RiskSignalName, RiskSuppression, RiskVectorName,
} from '../../repositories/risk.ts';
import type { StoredEvent } from '../../types.ts';
import { breakdownJson, dayScore, samePersonBreakdown, type DayRow } from '../../risk-breakdown.ts';

interface ObservationRow {
  eventId: number; agentId: string; seq: number; person: string; pc: string; timeMs: number; day: number; offHours: number;
  nonWorkingDay: number; byAttendance: number; vector: string; volume: number; category: string; destinations: string; contentSeverity: string; signal: string;
}

/**
 * A PC day whose breakdown is its one user's (the usual case: one person per PC) stores `@person` instead of a copy
 * of that JSON (a PC row is rewritten whenever its person's row of the day is); reads resolve it here.
 */
const pcBreakdown = `CASE WHEN substr(c.breakdown, 1, 1) = '@'
  THEN (SELECT p.breakdown FROM risk_person_days p WHERE p.person = substr(c.breakdown, 2) AND p.day = c.day) ELSE c.breakdown END AS breakdown`;

/** SQLite implementation of the risk repository (tables of migration 1100). */
export class SqliteRiskRepository implements RiskRepository {
  readonly #s;

  constructor(private readonly db: Database.Database) {
    this.#s = {
      eventsAfter: db.prepare(`SELECT id, agent_id AS agentId, seq, pc, time_ms AS timeMs, received_ms AS receivedMs, kind, user, hash, bytes
        FROM events WHERE id > ? ORDER BY id LIMIT ?`),
      // The PC's user at the time: its newest event up to the finding that names one (index events_pc_time).
      findingsAfter: db.prepare(`SELECT f.id, f.agent_id AS agentId, f.pc, f.time_ms AS timeMs, f.kind, f.detail,
        COALESCE((SELECT e.user FROM events e WHERE e.pc = f.pc AND e.time_ms <= f.time_ms AND e.user <> '' ORDER BY e.time_ms DESC, e.id DESC LIMIT 1), '') AS user
        FROM integrity_findings f WHERE f.id > ? ORDER BY f.id LIMIT ?`),
      cursor: db.prepare('SELECT event_id AS eventId FROM risk_cursor WHERE id = 1'),
      setCursor: db.prepare('INSERT INTO risk_cursor (id, event_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id'),
      observationsFrom: db.prepare(`SELECT event_id AS eventId, agent_id AS agentId, seq, person, pc, time_ms AS timeMs, day, off_hours AS offHours,
        non_working_day AS nonWorkingDay, by_attendance AS byAttendance, vector, volume, category, destinations, content_severity AS contentSeverity, signal
        FROM risk_observations WHERE day >= ? ORDER BY event_id`),
      // Positional: a named-parameter object per observation was a copy of every observation on a full recompute.
      insertObservation: db.prepare(`INSERT OR REPLACE INTO risk_observations (event_id, agent_id, seq, person, pc, time_ms, day, off_hours, non_working_day,
        by_attendance, vector, volume, category, destinations, content_severity, signal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      upsertPerson: db.prepare(`INSERT OR REPLACE INTO risk_person_days (person, day, department, raw, score, breakdown) VALUES (?, ?, ?, ?, ?, ?)`),
      upsertPc: db.prepare(`INSERT OR REPLACE INTO risk_pc_days (pc, day, raw, score, breakdown) VALUES (?, ?, ?, ?, ?)`),
      // SQLite takes the bare columns of an aggregate query from the row holding the MAX.
      latest: db.prepare('SELECT person, MAX(day) AS day, department, score FROM risk_person_days WHERE day <= ? GROUP BY person'),
      latestOne: db.prepare('SELECT person, day, department, score FROM risk_person_days WHERE person = ? AND day <= ? ORDER BY day DESC LIMIT 1'),
      currentUser: db.prepare(`SELECT user FROM events WHERE agent_id = ? AND user <> '' ORDER BY seq DESC LIMIT 1`).pluck(),
      personDays: db.prepare(`SELECT person AS subject, day, department, raw, score, breakdown FROM risk_person_days
        WHERE person = ? AND day BETWEEN ? AND ? ORDER BY day`),
      pcDays: db.prepare(`SELECT pc AS subject, day, '' AS department, raw, score, ${pcBreakdown} FROM risk_pc_days c
        WHERE pc = ? AND day BETWEEN ? AND ? ORDER BY day`),
      allPersons: db.prepare('SELECT person AS subject, day, department, raw, score, breakdown FROM risk_person_days ORDER BY person, day'),
      allPcs: db.prepare(`SELECT pc AS subject, day, '' AS department, raw, score, ${pcBreakdown} FROM risk_pc_days c ORDER BY pc, day`),
      directory: db.prepare('SELECT pc, department, site FROM pc_directory'),
      insertDeparting: db.prepare('INSERT OR REPLACE INTO risk_departing (user, notice_day, last_day, imported_ms) VALUES (?, ?, ?, ?)'),
      departing: db.prepare('SELECT user, notice_day AS noticeDay, last_day AS lastDay FROM risk_departing ORDER BY user'),
      secret: db.prepare('SELECT secret FROM risk_secret WHERE id = 1'),
      insertReveal: db.prepare('INSERT OR IGNORE INTO risk_reveals (person, revealed_by, reason, revealed_ms) VALUES (?, ?, ?, ?)'),
      reveals: db.prepare('SELECT person FROM risk_reveals'),
      insertSuppression: db.prepare(`INSERT INTO risk_suppressions (person, indicator, until_day, reason, created_by, created_ms)
        VALUES (@person, @indicator, @untilDay, @reason, @createdBy, @createdMs)`),
      suppressions: db.prepare(`SELECT person, indicator, until_day AS untilDay, reason, created_by AS createdBy, created_ms AS createdMs
        FROM risk_suppressions ORDER BY id`),
      upsertAttendance: db.prepare(`INSERT INTO risk_attendance (person, day, start_minutes, end_minutes, imported_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (person, day) DO UPDATE SET start_minutes = excluded.start_minutes, end_minutes = excluded.end_minutes, imported_ms = excluded.imported_ms`),
      attendance: db.prepare('SELECT person, day, start_minutes AS startMinutes, end_minutes AS endMinutes FROM risk_attendance ORDER BY person, day'),
      attendanceStamp: db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(imported_ms), 0) AS latest FROM risk_attendance'),
      insertSecret: db.prepare('INSERT OR IGNORE INTO risk_secret (id, secret) VALUES (1, ?)'),
    };
  }

  async eventsAfter(afterId: number, limit: number): Promise<StoredEvent[]> {
    return this.#s.eventsAfter.all(afterId, limit) as StoredEvent[];
  }

  async integrityFindingsAfter(afterId: number, limit: number): Promise<RiskIntegrityFinding[]> {
    return this.#s.findingsAfter.all(afterId, limit) as RiskIntegrityFinding[];
  }

  async cursor(): Promise<number> {
    return (this.#s.cursor.get() as { eventId: number } | undefined)?.eventId ?? 0;
  }

  async observationsFrom(fromDay: number): Promise<RiskObservation[]> {
    return (this.#s.observationsFrom.all(fromDay) as ObservationRow[]).map((row) => ({
      ...row, offHours: row.offHours === 1, nonWorkingDay: row.nonWorkingDay === 1, byAttendance: row.byAttendance === 1, vector: row.vector as RiskVectorName | '',
      signal: row.signal as RiskSignalName | '', destinations: row.destinations ? row.destinations.split('\n') : [],
    }));
  }

  #write(change: { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number }): void {
    const insert = this.#s.insertObservation;
    for (const o of change.observations) {
      insert.run(o.eventId, o.agentId, o.seq, o.person, o.pc, o.timeMs, o.day, o.offHours ? 1 : 0, o.nonWorkingDay ? 1 : 0, o.byAttendance ? 1 : 0,
        o.vector, o.volume, o.category, o.destinations.join('\n'), o.contentSeverity, o.signal);
    }
    // The scorer hands a single-user PC day the person's own contribution objects: identity finds them.
    const byFirst = new Map<RiskContribution, RiskDayScore>();
    for (const row of change.persons) {
      this.#s.upsertPerson.run(row.subject, row.day, row.department, row.raw, row.score, breakdownJson(row.contributions));
      if (row.contributions.length > 0) byFirst.set(row.contributions[0]!, row);
    }
    for (const row of change.pcs) {
      const person = samePersonBreakdown(row, byFirst);
      this.#s.upsertPc.run(row.subject, row.day, row.raw, row.score, person ? `@${person.subject}` : breakdownJson(row.contributions));
    }
    this.#s.setCursor.run(change.cursor);
  }

  async saveIncrement(change: { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number }): Promise<void> {
    this.db.transaction(() => this.#write(change))();
  }

  async replaceAll(all: { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number }): Promise<void> {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM risk_observations; DELETE FROM risk_person_days; DELETE FROM risk_pc_days;');
      this.#write(all);
    })();
  }

  async latestPersonRows(day: number, department?: string): Promise<RiskLatestRow[]> {
    const rows = this.#s.latest.all(day) as RiskLatestRow[];
    return department === undefined ? rows : rows.filter((row) => row.department === department);
  }

  async personDays(person: string, fromDay: number, toDay: number): Promise<RiskDayScore[]> {
    return (this.#s.personDays.all(person, fromDay, toDay) as DayRow[]).map(dayScore);
  }

  async personTrends(persons: string[], fromDay: number, toDay: number): Promise<{ person: string; day: number; score: number }[]> {
    if (persons.length === 0) return [];
    const marks = persons.map(() => '?').join(',');
    return this.db.prepare(`SELECT person, day, score FROM risk_person_days WHERE person IN (${marks}) AND day BETWEEN ? AND ? ORDER BY person, day`)
      .all(...persons, fromDay, toDay) as { person: string; day: number; score: number }[];
  }

  async allDayScores(): Promise<{ persons: RiskDayScore[]; pcs: RiskDayScore[] }> {
    return { persons: (this.#s.allPersons.all() as DayRow[]).map(dayScore), pcs: (this.#s.allPcs.all() as DayRow[]).map(dayScore) };
  }

  async pcDays(pc: string, fromDay: number, toDay: number): Promise<RiskDayScore[]> {
    return (this.#s.pcDays.all(pc, fromDay, toDay) as DayRow[]).map(dayScore);
  }

  async departmentsByPc(): Promise<Map<string, { department: string; site: string }>> {
    const rows = this.#s.directory.all() as { pc: string; department: string; site: string }[];
    return new Map(rows.map((row) => [row.pc, { department: row.department, site: row.site }]));
  }

  async replaceDeparting(entries: RiskDeparting[], nowMs: number): Promise<void> {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM risk_departing');
      for (const entry of entries) this.#s.insertDeparting.run(entry.user, entry.noticeDay, entry.lastDay, nowMs);
    }).immediate();
  }

  async listDeparting(): Promise<RiskDeparting[]> {
    return this.#s.departing.all() as RiskDeparting[];
  }

  async pseudonymSecret(): Promise<Buffer> {
    this.#s.insertSecret.run(randomBytes(32));
    return (this.#s.secret.get() as { secret: Buffer }).secret;
  }

  async addReveal(reveal: { person: string; by: string; reason: string; timeMs: number }): Promise<void> {
    this.#s.insertReveal.run(reveal.person, reveal.by, reveal.reason, reveal.timeMs);
  }

  async revealedPersons(): Promise<Set<string>> {
    return new Set((this.#s.reveals.all() as { person: string }[]).map((row) => row.person));
  }

  async addSuppression(suppression: RiskSuppression): Promise<void> {
    this.#s.insertSuppression.run(suppression);
  }

  async listSuppressions(): Promise<RiskSuppression[]> {
    return this.#s.suppressions.all() as RiskSuppression[];
  }

  async upsertAttendance(entries: RiskAttendance[], nowMs: number): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.#s.upsertAttendance.run(e.person, e.day, e.startMinutes, e.endMinutes, nowMs);
    }).immediate();
  }

  async listAttendance(): Promise<RiskAttendance[]> {
    return this.#s.attendance.all() as RiskAttendance[];
  }

  async attendanceStamp(): Promise<string> {
    const row = this.#s.attendanceStamp.get() as { n: number; latest: number };
    return `${row.n}/${row.latest}`;
  }

  async latestPersonRow(person: string, day: number): Promise<RiskLatestRow | undefined> {
    return this.#s.latestOne.get(person, day) as RiskLatestRow | undefined;
  }

  async currentUserOfAgent(agentId: string): Promise<string> {
    return (this.#s.currentUser.get(agentId) as string | undefined) ?? '';
  }
}
