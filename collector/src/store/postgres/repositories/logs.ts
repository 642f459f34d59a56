import type pg from 'pg';
import type { LogEntryRow, LogEventRecord, LogSearch, LogsRepository } from '../../repositories/logs.ts';
import { containsPattern } from './transaction.ts';

const columns = `le.event_id AS "eventId", le.time_ms AS "timeMs", le.pc,
  (SELECT e.agent_id FROM events e WHERE e.id = le.event_id) AS "agentId", le.user_name AS "user", le.kind, le.action, le.summary, le.detail,
  le.size_bytes AS "sizeBytes", COALESCE((SELECT d.department FROM pc_directory d WHERE d.pc = le.pc), '') AS department,
  COALESCE((SELECT d.site FROM pc_directory d WHERE d.pc = le.pc), '') AS site`;

/** The indexed text expression (migration 0102): the trigram index serves ILIKE on exactly this expression. */
const text = `(le.summary || E'\\n' || le.detail)`;

/**
 * The combined log on PostgreSQL. Keywords: every typed word (up to 8) must appear in the summary or the detail,
 * case-insensitively; pg_trgm's GIN index answers words of 3+ characters, shorter ones are checked row by row (as
 * SQLite's trigram FTS does).
 */
export class PostgresLogsRepository implements LogsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async search(search: LogSearch): Promise<LogEntryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => { params.push(value); return `$${params.length}`; };
    const words = (search.text ?? '').split(/\s+/).map((w) => w.trim()).filter(Boolean).slice(0, 8);
    for (const word of words) where.push(`${text} ILIKE ${p(containsPattern(word))}`);
    if (search.kinds?.length) where.push(`le.kind = ANY(${p(search.kinds)}::text[])`);
    if (search.pc) where.push(`le.pc = ${p(search.pc)}`);
    if (search.user) where.push(`le.user_name = ${p(search.user)}`);
    if (search.department) where.push(`le.pc IN (SELECT pc FROM pc_directory WHERE department = ${p(search.department)})`);
    if (search.site) where.push(`le.pc IN (SELECT pc FROM pc_directory WHERE site = ${p(search.site)})`);
    if (search.action) where.push(`le.action = ${p(search.action)}`);
    if (search.fromMs !== undefined) where.push(`le.time_ms >= ${p(search.fromMs)}`);
    if (search.toMs !== undefined) where.push(`le.time_ms <= ${p(search.toMs)}`);
    const asc = search.order === 'asc';
    if (search.before) where.push(`(le.time_ms, le.event_id) ${asc ? '>' : '<'} (${p(search.before.timeMs)}, ${p(search.before.eventId)})`);
    const order = `ORDER BY le.time_ms ${asc ? 'ASC' : 'DESC'}, le.event_id ${asc ? 'ASC' : 'DESC'}`;
    const sql = `SELECT ${columns} FROM log_entries le ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ${p(search.limit)}`;
    return (await this.pool.query<LogEntryRow>(sql, params)).rows;
  }

  async event(eventId: number): Promise<LogEventRecord | undefined> {
    return (await this.pool.query<LogEventRecord>(`SELECT id, agent_id AS "agentId", seq, pc, time_ms AS "timeMs", received_ms AS "receivedMs", kind,
      user_name AS "user", bytes FROM events WHERE id = $1`, [eventId])).rows[0];
  }

  /** Keyset chunks in the search's (time, event id) order: memory holds one chunk however many rows match. */
  async *chunks(search: Omit<LogSearch, 'limit' | 'before'>, chunkRows: number): AsyncIterable<LogEntryRow[]> {
    let before: LogSearch['before'];
    for (;;) {
      const rows = await this.search({ ...search, limit: chunkRows, before });
      if (rows.length > 0) yield rows;
      if (rows.length < chunkRows) return;
      const last = rows[rows.length - 1]!;
      before = { timeMs: last.timeMs, eventId: last.eventId };
    }
  }
}
