import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { LogImportMapping } from '@mamori/policies';
import { parseLogTime } from './local-time.ts';

/** One CSV row mapped onto an event. */
export interface MappedRow {
  /** Line of the file where the row starts (1 = the header). */
  line: number;
  timeMs: number;
  user: string;
  pc: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | '';
  fields: Record<string, string>;
  /** SHA-256 of the row's cells plus how many identical rows came before it in this file (see 0901 migration). */
  fingerprint: Buffer;
}

export interface MappedLog {
  fileSha256: string;
  rows: MappedRow[];
  /** Rows that do not fit the mapping, each as "line N: reason". */
  problems: string[];
}

/** Decodes, parses and maps a CSV log; never throws for bad rows (they become problems), only for an unusable file. */
export function mapCsvLog(bytes: Buffer, mapping: LogImportMapping): MappedLog {
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  try {
    text = new TextDecoder(mapping.encoding, { fatal: true }).decode(bytes);
  } catch {
    return { fileSha256, rows: [], problems: [`the file is not valid ${mapping.encoding} text`] };
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter: mapping.delimiter, bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    return { fileSha256, rows: [], problems: [(error as Error).message] };
  }
  const [header, ...body] = records;
  if (!header) return { fileSha256, rows: [], problems: ['the file is empty'] };
  const headerNames = header.record.map((name) => name.trim());
  const index = (column: string | undefined): number | undefined => (column === undefined ? undefined : headerNames.indexOf(column));
  const wanted = { ...mapping.columns, ...Object.fromEntries(Object.entries(mapping.fields).map(([k, v]) => [`fields.${k}`, v])) };
  const missing = Object.values(wanted).filter((column) => column !== undefined && headerNames.indexOf(column) < 0);
  if (missing.length > 0) return { fileSha256, rows: [], problems: [`line 1: the header has no column ${missing.map((m) => `"${m}"`).join(', ')} (it has ${headerNames.map((h) => `"${h}"`).join(', ')})`] };

  const cell = (row: string[], column: string | undefined): string => {
    const i = index(column);
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
  const seen = new Map<string, number>();
  const rows: MappedRow[] = [];
  const problems: string[] = [];
  for (const { record, info } of body) {
    // info.lines is the line the record ends on; a record spanning lines (quoted newlines) starts earlier.
    const line = info.lines - countNewlines(record);
    if (record.length !== headerNames.length) {
      problems.push(`line ${line}: ${record.length} columns, the header has ${headerNames.length}`);
      continue;
    }
    const timeCell = cell(record, mapping.columns.time);
    const timeMs = parseLogTime(timeCell, mapping.timezone);
    if (timeMs === undefined) {
      problems.push(`line ${line}: column "${mapping.columns.time}": "${timeCell}" is not a date and time (e.g. 2026-11-02 09:15:00 or ISO 8601)`);
      continue;
    }
    const outcomeCell = cell(record, mapping.columns.outcome);
    const outcome = mapping.outcome_values.success.includes(outcomeCell) ? 'success' : mapping.outcome_values.failure.includes(outcomeCell) ? 'failure' : '';
    const key = createHash('sha256').update(JSON.stringify(record)).digest('hex');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    rows.push({
      line, timeMs, user: cell(record, mapping.columns.user), pc: cell(record, mapping.columns.pc), action: cell(record, mapping.columns.action),
      target: cell(record, mapping.columns.target), outcome,
      fields: Object.fromEntries(Object.entries(mapping.fields).map(([name, column]) => [name, cell(record, column)])),
      fingerprint: createHash('sha256').update(`${key}#${occurrence}`).digest(),
    });
  }
  return { fileSha256, rows, problems };
}

function countNewlines(record: string[]): number {
  let n = 0;
  for (const value of record) for (const c of value) if (c === '\n') n += 1;
  return n;
}
