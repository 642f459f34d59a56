import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type {
  RiskAttendance, RiskContribution, RiskDayScore, RiskDeparting, RiskIntegrityFinding, RiskLatestRow, RiskObservation, RiskRepository, RiskSignalName,
  RiskSuppression, RiskVectorName,
} from '../../repositories/risk.ts';
import { breakdownJson, dayScore, samePersonBreakdown, type DayRow } from '../../risk-breakdown.ts';
import type { StoredEvent } from '../../types.ts';
import { inTransaction } from './transaction.ts';

type Change = { observations: RiskObservation[]; persons: RiskDayScore[]; pcs: RiskDayScore[]; cursor: number };

interface ObservationRow {
  eventId: number; agentId: string; seq: number; person: string; pc: string; timeMs: number; day: number; offHours: boolean;
  nonWorkingDay: boolean; byAttendance: boolean; vector: string; volume: number; category: string; destinations: string; contentSeverity: string; signal: string;
}

/** A PC day stored as `@person` (its one user's breakdown, as on SQLite) reads that person's row of the day. */
const pcColumns = `c.pc AS subject, c.day, '' AS department, c.raw, c.score,
  CASE WHEN left(c.breakdown, 1) = '@' THEN (SELECT p.breakdown FROM risk_person_days p WHERE p.person = substr(c.breakdown, 2) AND p.day = c.day)
  ELSE c.breakdown END AS breakdown`;
const personColumns = 'person AS subject, day, department, raw, score, breakdown';

/** Rows written per statement: unnest takes arrays of any length, but one huge statement holds all of them in memory twice. */
const writeChunk = 5_000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += writeChunk) out.push(items.slice(i, i + writeChunk));
  return out;
}

/**
 * One observation per event, the last one given winning (SQLite's INSERT OR REPLACE does the same row by row; one
 * PostgreSQL statement may not update a row twice). The usual case, no repeats, returns the list as it is.
 */
function lastPerEvent(observations: RiskObservation[]): RiskObservation[] {
  const last = new Map<number, RiskObservation>();
  for (const o of observations) last.set(o.eventId, o);
  return last.size === observations.length ? observations : [...last.values()];
}

/**
 * Risk on PostgreSQL (migration 0280), shared by every collector on the database. The scorer reads projected events
 * in export_order (0124): its cursor is a position there, not an event id, because an id taken before a later one
 * may commit after it — an id cursor would skip that event for good. Writes are multi-row (unnest), one transaction
 * per increment; a full recompute replaces every row in one transaction.
 */
export class PostgresRiskRepository implements RiskRepository {
  constructor(private readonly pool: pg.Pool) {}

  async eventsAfter(after: number, limit: number): Promise<StoredEvent[]> {
    return (await this.pool.query<StoredEvent>(`SELECT e.id, o.position, e.agent_id AS "agentId", e.seq, e.pc, e.time_ms AS "timeMs",
        e.received_ms AS "receivedMs", e.kind, e.user_name AS "user", e.hash, e.bytes
      FROM export_order o JOIN events e ON e.tx = o.tx AND e.id = o.event_id AND e.received_ms = o.received_ms
      WHERE o.position > $1 ORDER BY o.position LIMIT $2`, [after, limit])).rows;
  }

  async integrityFindingsAfter(afterId: number, limit: number): Promise<RiskIntegrityFinding[]> {
    // The PC's user at the time: its newest event up to the finding that names one (events of the PC's agents, by
    // events_agent_time: events have no pc index here).
    return (await this.pool.query<RiskIntegrityFinding>(`SELECT f.id, f.agent_id AS "agentId", f.pc, f.time_ms AS "timeMs", f.kind, f.detail,
        COALESCE((SELECT e.user_name FROM events e
          WHERE e.agent_id IN (SELECT a.id FROM agents a WHERE a.pc = f.pc) AND e.pc = f.pc AND e.time_ms <= f.time_ms AND e.user_name <> ''
          ORDER BY e.time_ms DESC, e.id DESC LIMIT 1), '') AS "user"
      FROM integrity_findings f WHERE f.id > $1 ORDER BY f.id LIMIT $2`, [afterId, limit])).rows;
  }

  async cursor(): Promise<number> {
    return (await this.pool.query<{ position: number }>('SELECT position FROM risk_cursor')).rows[0]?.position ?? 0;
  }

  async observationsFrom(fromDay: number): Promise<RiskObservation[]> {
    const { rows } = await this.pool.query<ObservationRow>(`SELECT event_id AS "eventId", agent_id AS "agentId", seq, person, pc, time_ms AS "timeMs", day,
        off_hours AS "offHours", non_working_day AS "nonWorkingDay", by_attendance AS "byAttendance", vector, volume, category, destinations,
        content_severity AS "contentSeverity", signal
      FROM risk_observations WHERE day >= $1 ORDER BY event_id`, [Math.max(fromDay, -2_147_483_648)]);
    return rows.map((row) => ({
      ...row, vector: row.vector as RiskVectorName | '', signal: row.signal as RiskSignalName | '', destinations: row.destinations ? row.destinations.split('\n') : [],
    }));
  }

  async #write(client: pg.PoolClient, change: Change): Promise<void> {
    for (const part of chunks(lastPerEvent(change.observations))) {
      await client.query(`INSERT INTO risk_observations (event_id, agent_id, seq, person, pc, time_ms, day, off_hours, non_working_day, by_attendance,
          vector, volume, category, destinations, content_severity, signal)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::bool[], $9::bool[], $10::bool[],
          $11::text[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::text[])
        ON CONFLICT (event_id) DO UPDATE SET agent_id = excluded.agent_id, seq = excluded.seq, person = excluded.person, pc = excluded.pc,
          time_ms = excluded.time_ms, day = excluded.day, off_hours = excluded.off_hours, non_working_day = excluded.non_working_day,
          by_attendance = excluded.by_attendance, vector = excluded.vector, volume = excluded.volume, category = excluded.category,
          destinations = excluded.destinations, content_severity = excluded.content_severity, signal = excluded.signal`, [
        part.map((o) => o.eventId), part.map((o) => o.agentId), part.map((o) => o.seq), part.map((o) => o.person), part.map((o) => o.pc),
        part.map((o) => o.timeMs), part.map((o) => o.day), part.map((o) => o.offHours), part.map((o) => o.nonWorkingDay), part.map((o) => o.byAttendance),
        part.map((o) => o.vector), part.map((o) => o.volume), part.map((o) => o.category), part.map((o) => o.destinations.join('\n')),
        part.map((o) => o.contentSeverity), part.map((o) => o.signal),
      ]);
    }
    // The scorer hands a single-user PC day the person's own contribution objects: identity finds them.
    const byFirst = new Map<RiskContribution, RiskDayScore>();
    for (const row of change.persons) if (row.contributions.length > 0) byFirst.set(row.contributions[0]!, row);
    for (const part of chunks(change.persons)) {
      await client.query(`INSERT INTO risk_person_days (person, day, department, raw, score, breakdown)
        SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::float8[], $5::float8[], $6::text[])
        ON CONFLICT (person, day) DO UPDATE SET department = excluded.department, raw = excluded.raw, score = excluded.score, breakdown = excluded.breakdown`, [
        part.map((r) => r.subject), part.map((r) => r.day), part.map((r) => r.department), part.map((r) => r.raw), part.map((r) => r.score),
        part.map((r) => breakdownJson(r.contributions)),
      ]);
    }
    for (const part of chunks(change.pcs)) {
      await client.query(`INSERT INTO risk_pc_days (pc, day, raw, score, breakdown)
        SELECT * FROM unnest($1::text[], $2::int[], $3::float8[], $4::float8[], $5::text[])
        ON CONFLICT (pc, day) DO UPDATE SET raw = excluded.raw, score = excluded.score, breakdown = excluded.breakdown`, [
        part.map((r) => r.subject), part.map((r) => r.day), part.map((r) => r.raw), part.map((r) => r.score),
        part.map((r) => {
          const person = samePersonBreakdown(r, byFirst);
          return person ? `@${person.subject}` : breakdownJson(r.contributions);
        }),
      ]);
    }
    await client.query(`INSERT INTO risk_cursor (position) VALUES ($1) ON CONFLICT (only_row) DO UPDATE SET position = excluded.position`, [change.cursor]);
  }

  async saveIncrement(change: Change): Promise<void> {
    await inTransaction(this.pool, (client) => this.#write(client, change));
  }

  async replaceAll(all: Change): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Several collectors may recompute at once (a policy change reaches all): one at a time, the last one's rows stay.
      await client.query('LOCK TABLE risk_observations, risk_person_days, risk_pc_days IN EXCLUSIVE MODE');
      await client.query('TRUNCATE risk_observations, risk_person_days, risk_pc_days');
      await this.#write(client, all);
    });
  }

  async latestPersonRows(day: number, department?: string): Promise<RiskLatestRow[]> {
    const { rows } = await this.pool.query<RiskLatestRow>(`SELECT DISTINCT ON (person) person, day, department, score FROM risk_person_days
      WHERE day <= $1 ORDER BY person, day DESC`, [day]);
    return department === undefined ? rows : rows.filter((row) => row.department === department);
  }

  async latestPersonRow(person: string, day: number): Promise<RiskLatestRow | undefined> {
    return (await this.pool.query<RiskLatestRow>(`SELECT person, day, department, score FROM risk_person_days
      WHERE person = $1 AND day <= $2 ORDER BY day DESC LIMIT 1`, [person, day])).rows[0];
  }

  async currentUserOfAgent(agentId: string): Promise<string> {
    return (await this.pool.query<{ user: string }>(`SELECT user_name AS "user" FROM events WHERE agent_id = $1 AND user_name <> ''
      ORDER BY seq DESC LIMIT 1`, [agentId])).rows[0]?.user ?? '';
  }

  async personDays(person: string, fromDay: number, toDay: number): Promise<RiskDayScore[]> {
    return (await this.pool.query<DayRow>(`SELECT ${personColumns} FROM risk_person_days WHERE person = $1 AND day BETWEEN $2 AND $3 ORDER BY day`,
      [person, fromDay, toDay])).rows.map(dayScore);
  }

  async personTrends(persons: string[], fromDay: number, toDay: number): Promise<{ person: string; day: number; score: number }[]> {
    if (persons.length === 0) return [];
    return (await this.pool.query<{ person: string; day: number; score: number }>(`SELECT person, day, score FROM risk_person_days
      WHERE person = ANY($1::text[]) AND day BETWEEN $2 AND $3 ORDER BY person COLLATE "C", day`, [persons, fromDay, toDay])).rows;
  }

  async allDayScores(): Promise<{ persons: RiskDayScore[]; pcs: RiskDayScore[] }> {
    const persons = (await this.pool.query<DayRow>(`SELECT ${personColumns} FROM risk_person_days ORDER BY person COLLATE "C", day`)).rows.map(dayScore);
    const pcs = (await this.pool.query<DayRow>(`SELECT ${pcColumns} FROM risk_pc_days c ORDER BY c.pc COLLATE "C", c.day`)).rows.map(dayScore);
    return { persons, pcs };
  }

  async pcDays(pc: string, fromDay: number, toDay: number): Promise<RiskDayScore[]> {
    return (await this.pool.query<DayRow>(`SELECT ${pcColumns} FROM risk_pc_days c WHERE c.pc = $1 AND c.day BETWEEN $2 AND $3 ORDER BY c.day`,
      [pc, fromDay, toDay])).rows.map(dayScore);
  }

  async departmentsByPc(): Promise<Map<string, { department: string; site: string }>> {
    const { rows } = await this.pool.query<{ pc: string; department: string; site: string }>('SELECT pc, department, site FROM pc_directory');
    return new Map(rows.map((row) => [row.pc, { department: row.department, site: row.site }]));
  }

  async replaceDeparting(entries: RiskDeparting[], nowMs: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM risk_departing');
      if (entries.length === 0) return;
      // A later entry of the same user wins, as SQLite's INSERT OR REPLACE does.
      const last = new Map(entries.map((e) => [e.user, e]));
      const unique = [...last.values()];
      await client.query(`INSERT INTO risk_departing (user_name, notice_day, last_day, imported_ms)
        SELECT u, n, l, $4 FROM unnest($1::text[], $2::int[], $3::int[]) AS x (u, n, l)`,
      [unique.map((e) => e.user), unique.map((e) => e.noticeDay), unique.map((e) => e.lastDay), nowMs]);
    });
  }

  async listDeparting(): Promise<RiskDeparting[]> {
    return (await this.pool.query<RiskDeparting>(`SELECT user_name AS "user", notice_day AS "noticeDay", last_day AS "lastDay" FROM risk_departing
      ORDER BY user_name COLLATE "C"`)).rows;
  }

  async pseudonymSecret(): Promise<Buffer> {
    await this.pool.query('INSERT INTO risk_secret (secret) VALUES ($1) ON CONFLICT (only_row) DO NOTHING', [randomBytes(32)]);
    return (await this.pool.query<{ secret: Buffer }>('SELECT secret FROM risk_secret')).rows[0]!.secret;
  }

  async addReveal(reveal: { person: string; by: string; reason: string; timeMs: number }): Promise<void> {
    await this.pool.query(`INSERT INTO risk_reveals (person, revealed_by, reason, revealed_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (person) DO NOTHING`,
      [reveal.person, reveal.by, reveal.reason, reveal.timeMs]);
  }

  async revealedPersons(): Promise<Set<string>> {
    return new Set((await this.pool.query<{ person: string }>('SELECT person FROM risk_reveals')).rows.map((row) => row.person));
  }

  async addSuppression(s: RiskSuppression): Promise<void> {
    await this.pool.query(`INSERT INTO risk_suppressions (person, indicator, until_day, reason, created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.person, s.indicator, s.untilDay, s.reason, s.createdBy, s.createdMs]);
  }

  async listSuppressions(): Promise<RiskSuppression[]> {
    return (await this.pool.query<RiskSuppression>(`SELECT person, indicator, until_day AS "untilDay", reason, created_by AS "createdBy", created_ms AS "createdMs"
      FROM risk_suppressions ORDER BY id`)).rows;
  }

  async upsertAttendance(entries: RiskAttendance[], nowMs: number): Promise<void> {
    if (entries.length === 0) return;
    // A later entry of the same person and day wins (one statement cannot update a row twice).
    const unique = [...new Map(entries.map((e) => [`${e.person}\n${e.day}`, e])).values()];
    await inTransaction(this.pool, async (client) => {
      for (const part of chunks(unique)) {
        await client.query(`INSERT INTO risk_attendance (person, day, start_minutes, end_minutes, imported_ms)
          SELECT p, d, s, e, $5 FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS x (p, d, s, e)
          ON CONFLICT (person, day) DO UPDATE SET start_minutes = excluded.start_minutes, end_minutes = excluded.end_minutes, imported_ms = excluded.imported_ms`,
        [part.map((e) => e.person), part.map((e) => e.day), part.map((e) => e.startMinutes), part.map((e) => e.endMinutes), nowMs]);
      }
    });
  }

  async listAttendance(): Promise<RiskAttendance[]> {
    return (await this.pool.query<RiskAttendance>(`SELECT person, day, start_minutes AS "startMinutes", end_minutes AS "endMinutes" FROM risk_attendance
      ORDER BY person COLLATE "C", day`)).rows;
  }

  async attendanceStamp(): Promise<string> {
    const row = (await this.pool.query<{ n: number; latest: number }>('SELECT COUNT(*) AS n, COALESCE(MAX(imported_ms), 0) AS latest FROM risk_attendance')).rows[0]!;
    return `${row.n}/${row.latest}`;
  }
}
