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

/** Up to this many matches, a keyword search starts from the matches; beyond, from the time index. */
const FEW_MATCHES = 20_000;

function fewMatches(db: Database.Database, match: string): boolean {
  const row = db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM log_entries_fts WHERE log_entries_fts MATCH ? LIMIT ?)').get(match, FEW_MATCHES + 1) as { n: number };
  return row.n <= FEW_MATCHES;
}

/**
 * The combined log: filter by kind, PC, user, action, time and keywords, ordered by event time (then event id) with
 * or without keywords, so "newest first" means newest by when it happened on the PC, not by when it arrived.
 */
export function searchLogs(db: Database.Database, search: LogSearch): LogEntryRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const keywords = search.text ? splitKeywords(search.text) : { match: undefined, like: [] };
  let from = 'log_entries le';
  if (keywords.match) {
    params.push(keywords.match);
    if (fewMatches(db, keywords.match)) {
      // A rare word: start from its matches and sort them by event time (a few thousand rows at most), instead of
      // walking the whole time index looking for them (seconds at 10M entries). CROSS JOIN keeps that order.
      from = '(SELECT rowid AS id FROM log_entries_fts WHERE log_entries_fts MATCH ?) m CROSS JOIN log_entries le ON le.event_id = m.id';
    } else {
      // A common word: the matches form a set the time-ordered walk checks each row against, and finds a page
      // quickly; walking the FTS doclist instead would give arrival order, not event time.
      where.push('le.event_id IN (SELECT rowid FROM log_entries_fts WHERE log_entries_fts MATCH ?)');
    }
  }
  for (const word of keywords.like) {
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
  const asc = search.order === 'asc';
  if (search.before) {
    // The plain bound on time_ms lets SQLite start the index walk at the cursor; without it, the OR makes it walk
    // from the top and filter, so each page (and each export chunk) got slower the deeper it was.
    where.push(asc ? `le.time_ms >= ? AND (le.time_ms > ? OR le.event_id > ?)` : `le.time_ms <= ? AND (le.time_ms < ? OR le.event_id < ?)`);
    params.push(search.before.timeMs, search.before.timeMs, search.before.eventId);
  }
  const order = `ORDER BY le.time_ms ${asc ? 'ASC' : 'DESC'}, le.event_id ${asc ? 'ASC' : 'DESC'}`;
  params.push(search.limit);
  return db.prepare(`SELECT ${columns} FROM ${from} ${directoryJoin} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ?`)
    .all(...params) as LogEntryRow[];
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
