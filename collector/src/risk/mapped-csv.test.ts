import { describe, expect, it } from 'vitest';
import { readMappedCsv } from './mapped-csv.ts';

describe('CSV exports read by the policy\'s column mapping', () => {
  const mapping = { person: '社員番号', date: 'Date' };

  it('finds mapped columns by header in any case, ignores extra columns and a BOM, and numbers lines as an editor does', () => {
    const read = readMappedCsv('\uFEFF氏名,date,社員番号\n田中,2026-03-02,E001\n\n佐藤,2026-03-03,E002\n', mapping, 'risk.attendance.columns');
    expect(read.rows).toEqual([
      { line: 2, field: { person: 'E001', date: '2026-03-02' } },
      { line: 3, field: { person: 'E002', date: '2026-03-03' } },
    ]);
  });

  it('names every mapped column and the policy setting when one is missing from the header', () => {
    expect(readMappedCsv('氏名,Date\n田中,2026-03-02\n', mapping, 'risk.attendance.columns').problem)
      .toEqual({ line: 1, message: 'the header must name the columns "社員番号" and "Date" (risk.attendance.columns)' });
  });

  it('refuses text that is not CSV, with the line where it broke', () => {
    const read = readMappedCsv('社員番号,Date\n"E001,2026-03-02\n', mapping, 'x');
    expect(read.problem?.message).toMatch(/^not valid CSV: /);
    expect(read.problem?.line).toBeGreaterThanOrEqual(2);
  });
});
