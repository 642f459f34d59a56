import { describe, expect, it } from 'vitest';
import { parseDirectoryCsv } from './directory-csv.ts';

describe('parseDirectoryCsv', () => {
  it('takes pc, department and site by header name, in any order, ignoring other columns', () => {
    const csv = '\uFEFFSite,PC,Owner,Department\nTokyo,PC-ACCT-07,tanaka,経理部\nOsaka,PC-SALES-01,sato,営業部\n\n';
    expect(parseDirectoryCsv(csv)).toEqual({
      problems: [],
      entries: [{ pc: 'PC-ACCT-07', department: '経理部', site: 'Tokyo' }, { pc: 'PC-SALES-01', department: '営業部', site: 'Osaka' }],
    });
  });

  it('refuses the whole file with line numbers for a missing PC, a duplicate, or no pc column', () => {
    expect(parseDirectoryCsv('pc,department\nPC-1,A\n,B\nPC-1,C\n')).toEqual({
      entries: [], problems: [{ line: 3, message: 'no PC name' }, { line: 4, message: 'PC-1 is already on line 2' }],
    });
    expect(parseDirectoryCsv('host,department\nPC-1,A\n').problems).toEqual([{ line: 1, message: 'the header must name a "pc" column (and department and/or site)' }]);
  });
});
