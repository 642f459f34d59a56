import type { RiskPolicy } from '@mamori/policies';
import type { RiskDeparting } from '../store/repositories/risk.ts';
import { dayDate, dayNumber } from './days.ts';
import { readMappedCsv, type CsvProblem } from './mapped-csv.ts';

/** A line of the HR CSV that cannot be taken, 1-based as an editor shows it. */
export type HrProblem = CsvProblem;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads an HR export of departing employees under the policy's column mapping (risk.departing.columns; header
 * names case-insensitive, extra columns ignored). All or nothing: any bad line and the caller gets the problems.
 */
export function parseHrCsv(text: string, columns: RiskPolicy['departing']['columns']): { entries: RiskDeparting[]; problems: HrProblem[] } {
  const read = readMappedCsv(text, { user: columns.user, notice: columns.notice_date, last: columns.last_day }, 'risk.departing.columns');
  if (read.problem) return { entries: [], problems: [read.problem] };
  const entries: RiskDeparting[] = [];
  const problems: HrProblem[] = [];
  const seen = new Set<string>();
  read.rows.forEach(({ line, field }) => {
    const { user, notice, last } = field;
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
