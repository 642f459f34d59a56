import type { ReportRow } from '../store/repositories/reports.ts';
import type { ItemResult, ReportData } from './compute.ts';
import { localDate } from './periods.ts';

/** "2026-10-01〜2026-10-31": first and last local day of [fromMs, toMs). */
export function formatPeriod(data: Pick<ReportData, 'fromMs' | 'toMs' | 'timezone'>): string {
  return `${localDate(data.fromMs, data.timezone)}〜${localDate(data.toMs - 1, data.timezone)}`;
}

const stampFormats = new Map<string, Intl.DateTimeFormat>();
/** "2026-10-05 21:14" in the zone. */
export function formatTimestamp(ms: number, timeZone: string): string {
  let format = stampFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    stampFormats.set(timeZone, format);
  }
  return format.format(ms);
}

/** Rows in the order a reader scans them: audit entries by time, everything else largest count first. */
export function sortedForListing(item: ItemResult): ReportRow[] {
  if (item.item === 'admin_actions') return item.rows;
  return [...item.rows].sort((a, b) => b.count - a.count || b.bytes - a.bytes || a.pc.localeCompare(b.pc) || a.user.localeCompare(b.user)
    || a.category.localeCompare(b.category));
}
