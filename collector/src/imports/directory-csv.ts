import { parse } from 'csv-parse/sync';
import type { DirectoryEntry } from '../store/repositories/directory.ts';

/** A line of the directory CSV that cannot be taken, 1-based as an editor shows it. */
export interface DirectoryProblem {
  line: number;
  message: string;
}

/**
 * Reads a directory export (CSV with a header naming `pc` and any of `department`, `site`; extra columns ignored,
 * header names case-insensitive). All or nothing: any bad line and the caller gets the problems, not a partial list.
 * LDAP / Entra ID would produce the same entries from a query (computer objects' `department`/`physicalDeliveryOfficeName`).
 */
export function parseDirectoryCsv(text: string): { entries: DirectoryEntry[]; problems: DirectoryProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { entries: [], problems: [{ line, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const header = (records[0] ?? []).map((name) => name.toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const pcAt = column('pc');
  if (pcAt < 0) return { entries: [], problems: [{ line: 1, message: 'the header must name a "pc" column (and department and/or site)' }] };
  const departmentAt = column('department');
  const siteAt = column('site');
  const entries: DirectoryEntry[] = [];
  const problems: DirectoryProblem[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const pc = record[pcAt] ?? '';
    if (!pc) return problems.push({ line, message: 'no PC name' });
    if (pc.length > 300) return problems.push({ line, message: 'PC name longer than 300 characters' });
    const first = seen.get(pc);
    if (first !== undefined) return problems.push({ line, message: `${pc} is already on line ${first}` });
    seen.set(pc, line);
    entries.push({ pc, department: (departmentAt >= 0 ? record[departmentAt] : '')?.slice(0, 200) ?? '', site: (siteAt >= 0 ? record[siteAt] : '')?.slice(0, 200) ?? '' });
    return undefined;
  });
  return problems.length ? { entries: [], problems } : { entries, problems };
}
