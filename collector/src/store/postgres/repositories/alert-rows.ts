import type pg from 'pg';
import type { Alert, AlertFilter } from '../../repositories/alerts.ts';
import { containsPattern } from './transaction.ts';

/** An alert row as the API returns it, with the PC's department and site from the directory. */
export const alertColumns = `id, rule_id AS "ruleId", rule_name AS "ruleName", kind, severity, color, status, resolution, pc, user_name AS "user",
  title, count, first_ms AS "firstMs", last_ms AS "lastMs", acknowledged_by AS "acknowledgedBy", acknowledged_ms AS "acknowledgedMs",
  resolved_by AS "resolvedBy", resolved_ms AS "resolvedMs", note,
  COALESCE((SELECT d.department FROM pc_directory d WHERE d.pc = alerts.pc), '') AS department,
  COALESCE((SELECT d.site FROM pc_directory d WHERE d.pc = alerts.pc), '') AS site`;

export async function alertById(client: pg.PoolClient | pg.Pool, id: number): Promise<Alert | undefined> {
  return (await client.query<Alert>(`SELECT ${alertColumns} FROM alerts WHERE id = $1`, [id])).rows[0];
}

/**
 * The WHERE clause shared by the list, the total and bulk actions (as SQLite's alertWhere), numbering parameters
 * from `$first`. PC and user match case-insensitively (ILIKE), as SQLite's LIKE does for the ASCII names PCs have.
 */
export function alertWhere(filter: Omit<AlertFilter, 'limit' | 'offset'>, first = 1): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => { params.push(value); return `$${first + params.length - 1}`; };
  if (filter.severity?.length) where.push(`severity = ANY(${p(filter.severity)}::text[])`);
  if (filter.status?.length) where.push(`status = ANY(${p(filter.status)}::text[])`);
  if (filter.kind) where.push(`kind = ${p(filter.kind)}`);
  if (filter.pc) where.push(`pc ILIKE ${p(containsPattern(filter.pc))}`);
  if (filter.user) where.push(`user_name ILIKE ${p(containsPattern(filter.user))}`);
  if (filter.department) where.push(`pc IN (SELECT pc FROM pc_directory WHERE department = ${p(filter.department)})`);
  if (filter.site) where.push(`pc IN (SELECT pc FROM pc_directory WHERE site = ${p(filter.site)})`);
  if (filter.fromMs !== undefined) where.push(`last_ms >= ${p(filter.fromMs)}`);
  if (filter.toMs !== undefined) where.push(`first_ms <= ${p(filter.toMs)}`);
  if (filter.beforeId !== undefined) where.push(`id < ${p(filter.beforeId)}`);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
