import type { Readable } from 'node:stream';
import type { LogEntryRow, LogSearch, LogsRepository } from '../../store/repositories/logs.ts';
import { exportStream, type ExportFormat, type ExportProgress } from './export-stream.ts';

/** Rows read per step: small enough that one step holds the event loop for milliseconds, not seconds. */
export const exportChunkRows = 2_000;

/** A CSV cell: quoted, and a leading = + - @ neutralised so a hostile file name cannot become a spreadsheet formula. */
export function csvCell(value: string | number): string {
  if (typeof value !== 'string') return `"${value}"`;
  // Plain character tests instead of a regular expression per cell: an export formats millions of cells.
  const first = value.charCodeAt(0);
  const text = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13 ? `'${value}` : value;
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`;
}

const csvColumns = ['eventId', 'timeMs', 'pc', 'agentId', 'user', 'kind', 'action', 'summary', 'detail', 'sizeBytes', 'department', 'site'] as const;

/** The file's first bytes: a BOM so spreadsheet programs read UTF-8, and the header line. */
export function csvHeader(): string {
  return `\uFEFF${[...csvColumns, 'timeIso'].join(',')}\r\n`;
}

export function csvLines(rows: LogEntryRow[]): string {
  let text = '';
  for (const row of rows) {
    text += `"${row.eventId}","${row.timeMs}",${csvCell(row.pc)},${csvCell(row.agentId)},${csvCell(row.user)},${csvCell(row.kind)},${csvCell(row.action)},`
      + `${csvCell(row.summary)},${csvCell(row.detail)},"${row.sizeBytes}",${csvCell(row.department)},${csvCell(row.site)},"${new Date(row.timeMs).toISOString()}"\r\n`;
  }
  return text;
}

/** One JSON object per line (JSON Lines), with the ISO time beside the milliseconds like the CSV. */
export function jsonLines(rows: LogEntryRow[]): string {
  let text = '';
  for (const row of rows) text += `${JSON.stringify({ ...row, timeIso: new Date(row.timeMs).toISOString() })}\n`;
  return text;
}

/**
 * Every matching log entry as a stream, read in chunks of `exportChunkRows` along the search's keyset order (see
 * `exportStream` for backpressure, event-loop turns and the audit hook).
 */
export function logExportStream(
  logs: LogsRepository, search: Omit<LogSearch, 'limit' | 'before'>, format: ExportFormat, onEnd: (progress: ExportProgress) => Promise<void>,
): Readable {
  return exportStream(logs.chunks(search, exportChunkRows), format, { csvHeader: csvHeader(), csvLines, jsonLines }, onEnd);
}
