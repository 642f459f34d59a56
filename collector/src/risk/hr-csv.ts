import { parse } from 'csv-parse/sync';
import type { RiskPolicy } from '@mamori/policies';
import type { RiskDeparting } from '../store/repositories/risk.ts';
import { dayDate, dayNumber } from './days.ts';

/** A line of the HR CSV that cannot be taken, 1-based as an editor shows it. */
export interface HrProblem {
  line: number;
  message: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads an HR export of departing employees under the policy's column mapping (risk.departing.columns; header
 * names case-insensitive, extra columns ignored). All or nothing: any bad line and the caller gets the problems.
 */
export function parseHrCsv(text: string, columns: RiskPolicy['departing']['columns']): { entries: RiskDeparting[]; problems: HrProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    return { entries: [], problems: [{ line: (error as { lines?: number }).lines ?? 1, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const header = (records[0] ?? []).map((name) => name.toLowerCase());
  const at = { user: header.indexOf(columns.user.toLowerCase()), notice: header.indexOf(columns.notice_date.toLowerCase()), last: header.indexOf(columns.last_day.toLowerCase()) };
  if (at.user < 0 || at.notice < 0 || at.last < 0) {
    return { entries: [], problems: [{ line: 1, message: `the header must name the columns "${columns.user}", "${columns.notice_date}" and "${columns.last_day}" (risk.departing.columns)` }] };
  }
  const entries: RiskDeparting[] = [];
  const problems: HrProblem[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const user = record[at.user] ?? '';
    const notice = record[at.notice] ?? '';
    const last = record[at.last] ?? '';
    if (!user) return problems.push({ line, message: 'no user' });
    if (seen.has(user)) return problems.push({ line, message: `${user} is listed twice` });
    if (!datePattern.test(notice) || !datePattern.test(last)) return problems.push({ line, message: 'dates must look like 2026-03-31' });
    const noticeDay = dayNumber(notice);
    const lastDay = dayNumber(last);
    // Date.UTC rolls 2026-02-30 over to March: only a date that comes back unchanged is on the calendar.
    if (dayDate(noticeDay) !== notice || dayDate(lastDay) !== last) return problems.push({ line, message: 'not a calendar date' });
    if (lastDay < noticeDay) return problems.push({ line, message: 'the last day is before the notice date' });
    seen.add(user);
    entries.push({ user, noticeDay, lastDay });
    return undefined;
  });
  return problems.length > 0 ? { entries: [], problems } : { entries, problems };
}
