import type Database from 'better-sqlite3';
import type { LogEntryRow, LogEventRecord, LogSearch } from '../../repositories/logs.ts';

const columns = `le.event_id AS eventId, le.time_ms AS timeMs, le.pc,
  (SELECT e.agent_id FROM events e WHERE e.id = le.event_id) AS agentId, le.user, le.kind, le.action, le.summary, le.detail,
  le.size_bytes AS sizeBytes, COALESCE(d.department, '') AS department, COALESCE(d.site, '') AS site`;

/** One directory lookup per row (it was two correlated subqueries, one per column: an export reads millions). */
const directoryJoin = 'LEFT JOIN pc_directory d ON d.pc = le.pc';

/** Turns typed words into an FTS5 trigram query (each word quoted, so no FTS syntax reaches SQLite), or LIKE terms. */
export function splitKeywords(text: string): { match: string | undefined; like: string[] } {
  const words = text.split(/\s+/).map((w) => w.trim()).filter(Boolean).slice(0, 8);
  const long = words.filter((w) => [...w].length >= 3);
  const short = words.filter((w) => [...w].length < 3);
  return { match: long.length ? long.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ') : undefined, like: short };
}

/** How a keyword search picks its plan; the defaults suit millions of entries, tests shrink them. */
export interface LogSearchTuning {
  /** Up to this many matches, a keyword search starts from all its matches and sorts them by event time. */
  fewMatches: number;
  /** Beyond that, it first looks at the matches among this many newest (or oldest) event ids, growing ×8. */
  firstWindow: number;
}
const defaultTuning: LogSearchTuning = { fewMatches: 20_000, firstWindow: 200_000 };

function fewMatches(db: Database.Database, match: string, few: number): boolean {
  const row = db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM log_entries_fts WHERE log_entries_fts MATCH ? LIMIT ?)').get(match, few + 1) as { n: number };
  return row.n <= few;
}

/** The filters every plan shares (everything but the keywords' FTS part), as SQL terms and their parameters. */
function filterTerms(search: LogSearch, like: string[]): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const word of like) {
    where.push("(le.summary LIKE ? ESCAPE '\\' OR le.detail LIKE ? ESCAPE '\\')");
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(pattern, pattern);
  }
  if (search.kinds?.length) { where.push(`le.kind IN (${search.kinds.map(() => '?').join(', ')})`); params.push(...search.kinds); }
  if (search.pc) { where.push('le.pc = ?'); params.push(search.pc); }
  if (search.user) { where.push('le.user = ?'); params.push(search.user); }
  if (search.department) { where.push('le.pc IN (SELECT pc FROM pc_directory WHERE department = ?)'); params.push(search.department); }
  if (search.site) { where.push('le.pc IN (SELECT pc FROM pc_directory WHERE site = ?)'); params.push(search.site); }
  if (search.action) { where.push('le.action = ?'); params.push(search.action); }
  if (search.fromMs !== undefined) { where.push('le.time_ms >= ?'); params.push(search.fromMs); }
  if (search.toMs !== undefined) { where.push('le.time_ms <= ?'); params.push(search.toMs); }
  if (search.before) {
    // The plain bound on time_ms lets SQLite start the index walk at the cursor; without it, the OR makes it walk
    // from the top and filter, so each page (and each export chunk) got slower the deeper it was.
    const asc = search.order === 'asc';
    where.push(asc ? `le.time_ms >= ? AND (le.time_ms > ? OR le.event_id > ?)` : `le.time_ms <= ? AND (le.time_ms < ? OR le.event_id < ?)`);
    params.push(search.before.timeMs, search.before.timeMs, search.before.eventId);
  }
  return { where, params };
}

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * The combined log: filter by kind, PC, user, action, time and keywords, ordered by event time (then event id) with
 * or without keywords, so "newest first" means newest by when it happened on the PC, not by when it arrived.
 */
export function searchLogs(db: Database.Database, search: LogSearch, tuning: LogSearchTuning = defaultTuning): LogEntryRow[] {
  const keywords = search.text ? splitKeywords(search.text) : { match: undefined, like: [] };
  const filters = filterTerms(search, keywords.like);
  const asc = search.order === 'asc';
  const order = `ORDER BY le.time_ms ${asc ? 'ASC' : 'DESC'}, le.event_id ${asc ? 'ASC' : 'DESC'}`;
  const select = (from: string, where: string[], params: unknown[], limit: number) => db
    .prepare(`SELECT ${columns} FROM ${from} ${directoryJoin} ${whereClause(where)} ${order} LIMIT ?`)
    .all(...params, limit) as LogEntryRow[];

  if (!keywords.match) return select('log_entries le', filters.where, filters.params, search.limit);
  if (fewMatches(db, keywords.match, tuning.fewMatches)) {
    // A rare word: start from its matches and sort them by event time (a few thousand rows at most), instead of
    // walking the whole time index looking for them (seconds at 10M entries). CROSS JOIN keeps that order.
    return select('(SELECT rowid AS id FROM log_entries_fts WHERE log_entries_fts MATCH ?) m CROSS JOIN log_entries le ON le.event_id = m.id',
      filters.where, [keywords.match, ...filters.params], search.limit);
  }
  return searchCommonWord(db, search, keywords.match, filters, tuning, select);
}

/**
 * A common word (hundreds of thousands of matches). Collecting every match before ordering by event time cost
 * seconds at 10M entries, and so did walking the time index against that set. Event ids follow arrival, which
 * follows event time except for PCs that were offline: so the page is first looked for among the matches in a
 * window of the newest ids (the oldest, ascending), read from the FTS index by rowid range, and then proved right:
 * no matching entry outside the window may sort before the page's last row. That check walks the time index only
 * over entries newer than that row, reading the full-text index for the few outside the window (late arrivals).
 * When the window holds too few rows, or a late arrival proves it short, it grows ×8; past every id it is the
 * whole index, which is the plain plan.
 */
function searchCommonWord(
  db: Database.Database, search: LogSearch, match: string, filters: { where: string[]; params: unknown[] }, tuning: LogSearchTuning,
  select: (from: string, where: string[], params: unknown[], limit: number) => LogEntryRow[],
): LogEntryRow[] {
  const asc = search.order === 'asc';
  const bounds = db.prepare('SELECT min(event_id) AS low, max(event_id) AS high FROM log_entries').get() as { low: number | null; high: number | null };
  if (bounds.low === null || bounds.high === null) return [];
  for (let window = tuning.firstWindow; ; window *= 8) {
    // The window is event ids above `edge` (descending) or below it (ascending).
    const edge = asc ? bounds.low + window : bounds.high - window;
    const whole = asc ? edge > bounds.high : edge < bounds.low;
    if (whole) {
      return select('log_entries le', ['le.event_id IN (SELECT rowid FROM log_entries_fts WHERE log_entries_fts MATCH ?)', ...filters.where],
        [match, ...filters.params], search.limit);
    }
    const rows = select(`(SELECT rowid AS id FROM log_entries_fts WHERE log_entries_fts MATCH ? AND rowid ${asc ? '<' : '>'} ?) m CROSS JOIN log_entries le ON le.event_id = m.id`,
      filters.where, [match, edge, ...filters.params], search.limit);
    if (rows.length < search.limit) continue;
    const last = rows[rows.length - 1]!;
    // Outside the window every id is below (above) the last row's, so only a strictly later (earlier) time sorts first.
    const outside = db.prepare(`SELECT 1 FROM log_entries le ${whereClause([
      asc ? 'le.time_ms < ?' : 'le.time_ms > ?', asc ? 'le.event_id >= ?' : 'le.event_id <= ?', ...filters.where,
      'EXISTS (SELECT 1 FROM log_entries_fts f WHERE f.log_entries_fts MATCH ? AND f.rowid = le.event_id)',
    ])} LIMIT 1`).get(last.timeMs, edge, ...filters.params, match);
    if (!outside) return rows;
  }
}

/** One log entry's event: kind and bytes, for the detail view (decoded by the caller). */
export function logEvent(db: Database.Database, eventId: number): LogEventRecord | undefined {
  return db.prepare('SELECT id, agent_id AS agentId, seq, pc, time_ms AS timeMs, received_ms AS receivedMs, kind, user, bytes FROM events WHERE id = ?').get(eventId) as
    LogEventRecord | undefined;
}

/**
 * Every entry a search selects, in bounded chunks, walking the same (time, event id) order with a keyset cursor:
 * memory stays at one chunk however many rows match, and the caller can yield to the event loop between chunks
 * (better-sqlite3 is synchronous, so one big query would hold every other request until it finished).
 */
export function* logChunks(db: Database.Database, search: Omit<LogSearch, 'limit' | 'before'>, chunkRows: number): Generator<LogEntryRow[]> {
  let before: LogSearch['before'];
  for (;;) {
    const rows = searchLogs(db, { ...search, limit: chunkRows, before });
    if (rows.length > 0) yield rows;
    if (rows.length < chunkRows) return;
    const last = rows[rows.length - 1]!;
    before = { timeMs: last.timeMs, eventId: last.eventId };
  }
}
