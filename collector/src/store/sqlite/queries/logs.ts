import type Database from 'better-sqlite3';
import type { LogEntryRow, LogEventRecord, LogSearch } from '../../repositories/logs.ts';

const columns = `le.event_id AS eventId, le.time_ms AS timeMs, le.pc,
  (SELECT e.agent_id FROM events e WHERE e.id = le.event_id) AS agentId, le.user, le.kind, le.action, le.summary, le.detail,
  le.size_bytes AS sizeBytes, COALESCE(d.department, '') AS department, COALESCE(d.site, '') AS site`;

/** One directory lookup per row (it was two correlated subqueries, one per column: an export reads millions). */
const directoryJoin = 'LEFT JOIN pc_directory d ON d.pc = le.pc';

/** The trigram tokenizer's case folding (case_sensitive=0 folds every script, not only ASCII as LIKE does). */
const foldCase = (text: string) => text.toLowerCase();

/**
 * Trigrams that cover every character of a word (starting at 0, 3, 6 … and the last three): enough to narrow the
 * candidates, since each candidate is then checked for the whole word; reading every overlapping trigram's list
 * would only cost more.
 */
function coveringTrigrams(word: string): string[] {
  const chars = [...word];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i += 3) grams.add(chars.slice(i, i + 3).join(''));
  grams.add(chars.slice(-3).join(''));
  return [...grams];
}

/**
 * Turns typed words into a search: words of 3+ characters become an FTS5 query over their trigrams (each quoted, so
 * no FTS syntax reaches SQLite) plus the words the candidates are checked for (`check`, lower-cased, NUL-separated);
 * shorter words become LIKE terms. The index keeps no positions (1400-log-fts-detail-none.sql), so the trigrams
 * only find rows holding them all; the check keeps the whole word contiguous within one column, as before.
 */
export function splitKeywords(text: string): { match: string | undefined; check: string; like: string[] } {
  const words = text.split(/\s+/).map((w) => w.trim()).filter(Boolean).slice(0, 8);
  const long = words.filter((w) => [...w].length >= 3).map(foldCase);
  const short = words.filter((w) => [...w].length < 3);
  const grams = [...new Set(long.flatMap(coveringTrigrams))];
  return {
    match: grams.length ? grams.map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ') : undefined,
    check: long.join('\u0000'),
    like: short,
  };
}

const checkFunction = 'mamori_log_contains';
const prepared = new WeakSet<Database.Database>();

/** Registers the candidate check: every word (NUL-separated, folded) appears in the folded summary or detail. */
function prepareConnection(db: Database.Database): void {
  if (prepared.has(db)) return;
  db.function(checkFunction, { deterministic: true }, (summary: unknown, detail: unknown, words: unknown) => {
    const inSummary = foldCase(String(summary ?? ''));
    const inDetail = foldCase(String(detail ?? ''));
    return String(words).split('\u0000').every((word) => inSummary.includes(word) || inDetail.includes(word)) ? 1 : 0;
  });
  prepared.add(db);
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
  const keywords = search.text ? splitKeywords(search.text) : { match: undefined, check: '', like: [] };
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
  prepareConnection(db);
  return searchByKeywords(db, search, { match: keywords.match, check: keywords.check }, filters, tuning, select);
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
  db: Database.Database, search: LogSearch, keywords: { match: string; check: string }, filters: { where: string[]; params: unknown[] }, tuning: LogSearchTuning,
  select: (from: string, where: string[], params: unknown[], limit: number) => LogEntryRow[],
): LogEntryRow[] {
  const asc = search.order === 'asc';
  // The index walks its candidates by id and each is checked against its own row, so the window still comes
  // straight off the index's end (CROSS JOIN keeps the index outermost).
  const newest = `SELECT f.rowid AS id FROM log_entries_fts f CROSS JOIN log_entries c ON c.event_id = f.rowid
    WHERE f.log_entries_fts MATCH ? AND ${checkFunction}(c.summary, c.detail, ?) ORDER BY f.rowid ${asc ? 'ASC' : 'DESC'} LIMIT ?`;
  const { match, check } = keywords;
  for (let window = tuning.firstWindow; ; window *= 8) {
    const { matches, edge } = db.prepare(`SELECT count(*) AS matches, ${asc ? 'max' : 'min'}(id) AS edge FROM (${newest})`)
      .get(match, check, window) as { matches: number; edge: number | null };
    if (edge === null) return [];
    const rows = select(`(${newest}) m CROSS JOIN log_entries le ON le.event_id = m.id`, filters.where, [match, check, window, ...filters.params], search.limit);
    if (matches < window) return rows; // every match was in the window
    if (rows.length < search.limit) continue;
    const last = rows[rows.length - 1]!;
    // Outside the window every id is below (above) the last row's, so only a strictly later (earlier) time sorts first.
    const outside = db.prepare(`SELECT 1 FROM log_entries le ${whereClause([
      // `+` keeps SQLite from walking the primary key over every id outside the window: the time index is the way.
      asc ? 'le.time_ms < ?' : 'le.time_ms > ?', asc ? '+le.event_id > ?' : '+le.event_id < ?', ...filters.where,
      'EXISTS (SELECT 1 FROM log_entries_fts f WHERE f.log_entries_fts MATCH ? AND f.rowid = le.event_id)',
      `${checkFunction}(le.summary, le.detail, ?)`,
    ])} LIMIT 1`).get(last.timeMs, edge, ...filters.params, match, check);
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
