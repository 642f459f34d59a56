import { Readable } from 'node:stream';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportProgress {
  rows: number;
  complete: boolean;
}

/** How one export writes its rows: the CSV header line, and a chunk of rows as CSV or JSON lines. */
export interface ExportFormatters<Row> {
  csvHeader: string;
  csvLines(rows: Row[]): string;
  jsonLines(rows: Row[]): string;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every chunk a repository yields, formatted and streamed: a turn of the event loop after each chunk, so other API
 * calls are answered during a long export; pulled (backpressure), so a slow download holds one chunk in memory.
 * `onEnd` runs once, before the last bytes are sent (complete) or when the download is abandoned (not complete),
 * so an export is audited either way.
 */
export function exportStream<Row>(
  source: AsyncIterable<Row[]>, format: ExportFormat, formatters: ExportFormatters<Row>, onEnd: (progress: ExportProgress) => Promise<void>,
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
      if (format === 'csv') yield formatters.csvHeader;
      for await (const rows of source) {
        progress.rows += rows.length;
        yield format === 'csv' ? formatters.csvLines(rows) : formatters.jsonLines(rows);
        await nextTurn();
      }
      progress.complete = true;
      await end();
    } finally {
      await end();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
