import { parse } from 'csv-parse/sync';

/** A line of an imported CSV that cannot be taken, 1-based as an editor shows it. */
export interface CsvProblem {
  line: number;
  message: string;
}

/** One data line with its fields by the mapping's names. */
export interface MappedRow<Name extends string> {
  line: number;
  field: Record<Name, string>;
}

/**
 * Reads a CSV export whose columns the policy names (`mapping`: our name → the export's header; header names
 * case-insensitive, extra columns ignored, BOM and blank lines tolerated). Either rows, or the problem of the whole
 * file (not CSV, or a mapped column missing from the header; `mappingPath` names the policy setting to fix).
 */
export function readMappedCsv<Name extends string>(
  text: string, mapping: Record<Name, string>, mappingPath: string,
): { rows: MappedRow<Name>[]; problem?: undefined } | { rows?: undefined; problem: CsvProblem } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    return { problem: { line: (error as { lines?: number }).lines ?? 1, message: `not valid CSV: ${(error as Error).message}` } };
  }
  const header = (records[0] ?? []).map((name) => name.toLowerCase());
  const names = Object.keys(mapping) as Name[];
  const at = names.map((name) => header.indexOf(mapping[name].toLowerCase()));
  if (at.some((index) => index < 0)) {
    const listed = names.map((name) => `"${mapping[name]}"`);
    const columns = listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}` : listed[0];
    return { problem: { line: 1, message: `the header must name the columns ${columns} (${mappingPath})` } };
  }
  return {
    rows: records.slice(1).map((record, i) => ({
      line: i + 2,
      field: Object.fromEntries(names.map((name, n) => [name, record[at[n]!] ?? ''])) as Record<Name, string>,
    })),
  };
}
