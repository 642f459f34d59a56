import type { RiskPolicy } from '@mamori/policies';
import type { RiskAttendance } from '../store/repositories/risk.ts';
import { dayDate, dayNumber } from './days.ts';
import { readMappedCsv, type CsvProblem } from './mapped-csv.ts';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const timePattern = /^(\d{1,2}):(\d{2})$/;

/** HH:MM (24:00 allowed for "until midnight") as minutes after midnight; undefined when it is not a time. */
function minutesOf(text: string): number | undefined {
  const match = timePattern.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : undefined;
}

/**
 * Reads an attendance export (one row per person and day worked) under the policy's column mapping
 * (risk.attendance.columns; header names case-insensitive, extra columns ignored). All or nothing: any bad line and
 * the caller gets the problems, and nothing is imported.
 */
export function parseAttendanceCsv(text: string, columns: RiskPolicy['attendance']['columns']): { entries: RiskAttendance[]; problems: CsvProblem[] } {
  const read = readMappedCsv(text, { person: columns.person, date: columns.date, start: columns.start, end: columns.end }, 'risk.attendance.columns');
  if (read.problem) return { entries: [], problems: [read.problem] };
  const entries: RiskAttendance[] = [];
  const problems: CsvProblem[] = [];
  const seen = new Set<string>();
  read.rows.forEach(({ line, field }) => {
    const { person, date } = field;
    if (!person) return problems.push({ line, message: 'no person' });
    if (!datePattern.test(date)) return problems.push({ line, message: 'the date must look like 2026-03-31' });
    // Date.UTC rolls 2026-02-30 over to March: only a date that comes back unchanged is on the calendar.
    if (dayDate(dayNumber(date)) !== date) return problems.push({ line, message: `${date} is not a calendar date` });
    const startMinutes = minutesOf(field.start);
    const endMinutes = minutesOf(field.end);
    if (startMinutes === undefined || endMinutes === undefined) return problems.push({ line, message: 'start and end must be times like 09:00 or 22:30' });
    if (startMinutes === endMinutes) return problems.push({ line, message: 'start and end are the same time' });
    const key = `${person}\n${date}`;
    if (seen.has(key)) return problems.push({ line, message: `${person} on ${date} is listed twice` });
    seen.add(key);
    entries.push({ person, day: dayNumber(date), startMinutes, endMinutes });
    return undefined;
  });
  return problems.length > 0 ? { entries: [], problems } : { entries, problems };
}
