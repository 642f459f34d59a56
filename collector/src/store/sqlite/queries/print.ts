import type Database from 'better-sqlite3';
import type { PrintJobRow, PrintJobSearch, PrintTotalsRow } from '../../repositories/print.ts';

const columns = `id, event_id AS eventId, agent_id AS agentId, pc, seq, time_ms AS timeMs, spooler, job_id AS jobId,
  document_name AS documentName, printer, job_user AS jobUser, pages, copies, sheets, size_bytes AS sizeBytes,
  submitted_ms AS submittedMs, completed_ms AS completedMs, state, action, rule`;

function likeLiteral(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest first. Every value is bound, never spliced into SQL. */
export function searchPrintJobs(db: Database.Database, search: PrintJobSearch): PrintJobRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const word of (search.text ?? '').split(/\s+/).filter(Boolean)) {
    where.push("document_name LIKE ? ESCAPE '\\'");
    params.push(likeLiteral(word));
  }
  const exact: [keyof PrintJobSearch, string][] = [['user', 'job_user'], ['printer', 'printer'], ['pc', 'pc'], ['action', 'action']];
  for (const [key, column] of exact) {
    if (search[key] !== undefined) {
      where.push(`${column} = ?`);
      params.push(search[key]);
    }
  }
  if (search.minPages !== undefined) { where.push('pages >= ?'); params.push(search.minPages); }
  if (search.fromMs !== undefined) { where.push('time_ms >= ?'); params.push(search.fromMs); }
  if (search.toMs !== undefined) { where.push('time_ms < ?'); params.push(search.toMs); }
  if (search.beforeId !== undefined) { where.push('id < ?'); params.push(search.beforeId); }
  const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
  const sql = `SELECT ${columns} FROM print_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return db.prepare(sql).all(...params, limit) as PrintJobRow[];
}

/** Who printed how much in [fromMs, toMs): one row per user and PC, most pages first. */
export function printTotals(db: Database.Database, fromMs: number, toMs: number): PrintTotalsRow[] {
  return db.prepare(`SELECT job_user AS jobUser, pc, COUNT(*) AS jobs, SUM(pages) AS pages, SUM(sheets) AS sheets,
      SUM(action <> 'logged') AS flagged
    FROM print_jobs WHERE time_ms >= ? AND time_ms < ? GROUP BY job_user, pc ORDER BY pages DESC, job_user`).all(fromMs, toMs) as PrintTotalsRow[];
}
