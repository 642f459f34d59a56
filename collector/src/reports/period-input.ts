import { CollectorError } from '../errors.ts';
import { zonedTime } from './periods.ts';

/**
 * Reads a report period's ends as people write them: a date (YYYY-MM-DD, in the template's zone; `--to` a date is
 * that whole day, so "--from 2026-10-01 --to 2026-10-31" is October), an ISO 8601 time, or Unix ms.
 */
export function parsePeriodInput(from: string, to: string, timeZone: string): { fromMs: number; toMs: number } {
  const read = (text: string, end: boolean): number => {
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
    if (date) return zonedTime(Number(date[1]), Number(date[2]), Number(date[3]) + (end ? 1 : 0), 0, timeZone);
    if (/^\d{1,15}$/.test(text.trim())) return Number(text);
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new CollectorError('COLLECTOR_QUERY_INVALID', `"${text}" is not a date (YYYY-MM-DD), an ISO 8601 time or Unix ms`);
    return ms;
  };
  const range = { fromMs: read(from, false), toMs: read(to, true) };
  if (!(range.toMs > range.fromMs)) throw new CollectorError('COLLECTOR_QUERY_INVALID', 'the report period must end after it starts');
  return range;
}
