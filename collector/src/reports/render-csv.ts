import type { ReportData } from './compute.ts';
import { formatPeriod, formatTimestamp, sortedForListing } from './format.ts';
import { riskScoresUnavailable } from './items.ts';

// The report as CSV: every row of every item (the PDF lists only the top rows), one shape for all items so a
// spreadsheet or a script can filter by the `item` column. UTF-8 with a BOM so Excel opens Japanese text right.

const header = ['item', 'period', 'scope', 'pc', 'user', 'category', 'detail', 'count', 'bytes', 'time'];

/** Quotes a field when needed; a leading = + - @ is prefixed with ' so a spreadsheet never runs PC-supplied text. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderReportCsv(data: ReportData): Buffer {
  const period = formatPeriod(data);
  const lines = [header.join(',')];
  for (const item of data.items) {
    if (!item.available) {
      lines.push([item.item, period, data.scope.description, '', '', 'not_available', riskScoresUnavailable.en, '', '', ''].map(csvField).join(','));
      continue;
    }
    lines.push([item.item, period, data.scope.description, '', '', 'total', '', item.total ?? 0, '', ''].map(csvField).join(','));
    for (const row of sortedForListing(item)) {
      lines.push([
        item.item, period, data.scope.description, row.pc, row.user, row.category, row.detail, row.count, row.bytes,
        row.timeMs === null ? '' : formatTimestamp(row.timeMs, data.timezone),
      ].map(csvField).join(','));
    }
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
