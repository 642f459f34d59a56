import { Readable } from 'node:stream';
import type { LogEntryRow, LogSearch, LogsRepository } from '../../store/repositories/logs.ts';

/** Rows read per step: small enough that one step holds the event loop for milliseconds, not seconds. */
export const exportChunkRows = 2_000;

export type ExportFormat = 'csv' | 'jsonl';

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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ExportProgress {
  rows: number;
  complete: boolean;
}

/**
 * Every matching log entry as a stream: read in chunks of `exportChunkRows`, each chunk formatted and handed to the
 * stream, then a turn of the event loop before the next, so other API calls are answered during a long export.
 * The stream pulls (backpressure), so a slow download does not pile rows up in memory. `onEnd` runs once, before
 * the last bytes are sent (complete) or when the download is abandoned (not complete).
 */
export function logExportStream(
  logs: LogsRepository, search: Omit<LogSearch, 'limit' | 'before'>, format: ExportFormat, onEnd: (progress: ExportProgress) => Promise<void>,
): Readable {
  const progress: ExportProgress = { rows: 0, complete: false };
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await onEnd(progress);
  };
  async function* chunks(): AsyncGenerator<string> {
    try {
      if (format === 'csv') yield csvHeader();
      for await (const rows of logs.chunks(search, exportChunkRows)) {
        progress.rows += rows.length;
        yield format === 'csv' ? csvLines(rows) : jsonLines(rows);
        await nextTurn();
      }
      progress.complete = true;
      await end();
    } finally {
      // Abandoned midway (client went away): still recorded, as incomplete.
      await end();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
