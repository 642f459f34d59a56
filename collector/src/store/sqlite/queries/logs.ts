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

/** How a keyword search sizes its first look; the default suits millions of entries, tests shrink it. */
export interface LogSearchTuning {
  /** A keyword search first looks at this many of its newest (oldest, ascending) matches by id, growing ×8. */
  firstWindow: number;
}
const defaultTuning: LogSearchTuning = { firstWindow: 2_000 };

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
  // The page is chosen on (time, id) alone and only its rows are then read in full: the agent id (a lookup in
  // events) and the directory columns were otherwise computed for every candidate before the sort.
  const select = (from: string, where: string[], params: unknown[], limit: number) => db
    .prepare(`SELECT ${columns} FROM (SELECT le.event_id AS id FROM ${from} ${whereClause(where)} ${order} LIMIT ?) page
      CROSS JOIN log_entries le ON le.event_id = page.id ${directoryJoin} ${order}`)
    .all(...params, limit) as LogEntryRow[];

  if (!keywords.match) return select('log_entries le', filters.where, filters.params, search.limit);
  return searchByKeywords(db, search, keywords.match, filters, tuning, select);
}

/**
 * Keywords, ordered by event time. Collecting every match before ordering cost seconds at 10M entries for a common
 * word, and so did walking the time index against that set. Event ids follow arrival, which follows event time
 * except for PCs that were offline; and the full-text index hands out its newest (or oldest) matches by id almost
 * for free. So the page is first looked for among a window of the newest matches (the oldest, ascending), then
 * proved right: no matching entry outside the window may sort before the page's last row. That check walks the
 * time index only over entries newer than that row, reading the full-text index for the few outside the window
 * (late arrivals). When the window holds too few rows for the page, or a late arrival proves it short, it grows
 * ×8; once it holds every match it is the exact answer with nothing to prove.
 */
function searchByKeywords(
  db: Database.Database, search: LogSearch, match: string, filters: { where: string[]; params: unknown[] }, tuning: LogSearchTuning,
  select: (from: string, where: string[], params: unknown[], limit: number) => LogEntryRow[],
): LogEntryRow[] {
  const asc = search.order === 'asc';
  const newest = `SELECT rowid AS id FROM log_entries_fts WHERE log_entries_fts MATCH ? ORDER BY rowid ${asc ? 'ASC' : 'DESC'} LIMIT ?`;
  for (let window = tuning.firstWindow; ; window *= 8) {
    const { matches, edge } = db.prepare(`SELECT count(*) AS matches, ${asc ? 'max' : 'min'}(id) AS edge FROM (${newest})`)
      .get(match, window) as { matches: number; edge: number | null };
    if (edge === null) return [];
    const rows = select(`(${newest}) m CROSS JOIN log_entries le ON le.event_id = m.id`, filters.where, [match, window, ...filters.params], search.limit);
    if (matches < window) return rows; // every match was in the window
    if (rows.length < search.limit) continue;
    const last = rows[rows.length - 1]!;
    // Outside the window every id is below (above) the last row's, so only a strictly later (earlier) time sorts first.
    const outside = db.prepare(`SELECT 1 FROM log_entries le ${whereClause([
      // `+` keeps SQLite from walking the primary key over every id outside the window: the time index is the way.
      asc ? 'le.time_ms < ?' : 'le.time_ms > ?', asc ? '+le.event_id > ?' : '+le.event_id < ?', ...filters.where,
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
