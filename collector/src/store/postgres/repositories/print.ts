import type pg from 'pg';
import type { PrintJobRow, PrintJobSearch, PrintRepository, PrintTotalsRow } from '../../repositories/print.ts';
import { containsPattern } from './transaction.ts';

const columns = `id, event_id AS "eventId", agent_id AS "agentId", pc, seq, time_ms AS "timeMs", spooler, job_id AS "jobId",
  document_name AS "documentName", printer, job_user AS "jobUser", pages, copies, sheets, size_bytes AS "sizeBytes",
  submitted_ms AS "submittedMs", completed_ms AS "completedMs", state, action, rule`;

export class PostgresPrintRepository implements PrintRepository {
  constructor(private readonly pool: pg.Pool) {}

  async search(search: PrintJobSearch): Promise<PrintJobRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => { params.push(value); return `$${params.length}`; };
    for (const word of (search.text ?? '').split(/\s+/).filter(Boolean)) where.push(`document_name ILIKE ${p(containsPattern(word))}`);
    const exact: [keyof PrintJobSearch, string][] = [['user', 'job_user'], ['printer', 'printer'], ['pc', 'pc'], ['action', 'action']];
    for (const [key, column] of exact) if (search[key] !== undefined) where.push(`${column} = ${p(search[key])}`);
    if (search.minPages !== undefined) where.push(`pages >= ${p(search.minPages)}`);
    if (search.fromMs !== undefined) where.push(`time_ms >= ${p(search.fromMs)}`);
    if (search.toMs !== undefined) where.push(`time_ms < ${p(search.toMs)}`);
    if (search.beforeId !== undefined) where.push(`id < ${p(search.beforeId)}`);
    const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
    return (await this.pool.query<PrintJobRow>(`SELECT ${columns} FROM print_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ${p(limit)}`, params)).rows;
  }

  async totals(fromMs: number, toMs: number): Promise<PrintTotalsRow[]> {
    return (await this.pool.query<PrintTotalsRow>(`SELECT job_user AS "jobUser", pc, COUNT(*) AS jobs, SUM(pages) AS pages, SUM(sheets) AS sheets,
        COUNT(*) FILTER (WHERE action <> 'logged') AS flagged
      FROM print_jobs WHERE time_ms >= $1 AND time_ms < $2 GROUP BY job_user, pc ORDER BY pages DESC, job_user COLLATE "C"`, [fromMs, toMs])).rows;
  }
}
