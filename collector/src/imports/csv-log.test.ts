import { describe, expect, it } from 'vitest';
import { LogImportMappingSchema } from '@mamori/policies';
import { mapCsvLog } from './csv-log.ts';
import { parseLogTime } from './local-time.ts';

const mapping = LogImportMappingSchema.parse({
  event_kind: 'resident_record_access', source: '住民記録システム',
  columns: { time: '日時', user: '職員ID', pc: '端末名', action: '操作', target: '対象住民番号', outcome: '結果' },
  outcome_values: { success: ['成功'], failure: ['失敗'] }, fields: { department: '所属' },
});
const header = '日時,職員ID,端末名,操作,対象住民番号,結果,所属\n';

describe('mapping a CSV log onto events', () => {
  it('maps columns by header name, reads local times in the mapping time zone and outcomes by value', () => {
    const mapped = mapCsvLog(Buffer.from(`${header}2026/11/02 09:15:00,s001,PC-窓口-01,閲覧,1234567,成功,市民課\n`), mapping);
    expect(mapped.problems).toEqual([]);
    expect(mapped.rows).toMatchObject([{
      line: 2, timeMs: Date.UTC(2026, 10, 2, 0, 15), user: 's001', pc: 'PC-窓口-01', action: '閲覧', target: '1234567', outcome: 'success',
      fields: { department: '市民課' },
    }]);
  });

  it('reports bad rows by line (a quoted newline counts) and a missing column by name', () => {
    const mapped = mapCsvLog(Buffer.from(`${header}2026-11-02 09:15,s001,PC,"閲覧\n複数行",1,成功,市民課\nyesterday,s002,PC,閲覧,2,成功,市民課\n2026-11-02,s003,PC,閲覧\n`), mapping);
    expect(mapped.rows.map((r) => r.line)).toEqual([2]);
    expect(mapped.problems).toEqual([
      'line 4: column "日時": "yesterday" is not a date and time (e.g. 2026-11-02 09:15:00 or ISO 8601)',
      'line 5: 4 columns, the header has 7',
    ]);
    expect(mapCsvLog(Buffer.from('日時,職員\n2026-11-02,a\n'), mapping).problems[0]).toMatch(/^line 1: the header has no column "職員ID", "端末名"/);
  });

  it('decodes Shift_JIS when the mapping says so, and refuses bytes that are not', () => {
    const sjis = LogImportMappingSchema.parse({ ...mapping, encoding: 'shift_jis' });
    // "日時,職員ID,端末名,操作,対象住民番号,結果,所属" … written by a Windows system in Shift_JIS.
    const bytes = Buffer.from('93fa8e9e2c904588f549442c925b969696bc2c91808dec2c91ce8fdb8f5a96af94d48d862c8c8b89ca2c8f8a91ae0a323032362f31312f30322030393a31353a30302c733030312c50432c897b97972c312c90ac8cf72c8e7396af89db0a', 'hex');
    const mapped = mapCsvLog(bytes, sjis);
    expect(mapped.problems).toEqual([]);
    expect(mapped.rows[0]).toMatchObject({ user: 's001', outcome: 'success' });
    expect(mapCsvLog(Buffer.from([0x82, 0xff, 0x0a]), sjis).problems).toEqual(['the file is not valid shift_jis text']);
  });

  it('gives identical rows distinct fingerprints within a file and the same ones in an overlapping file', () => {
    const row = '2026-11-02 09:15:00,s001,PC,閲覧,1,成功,市民課\n';
    const first = mapCsvLog(Buffer.from(header + row + row), mapping).rows.map((r) => r.fingerprint.toString('hex'));
    const again = mapCsvLog(Buffer.from(header + row + row + row), mapping).rows.map((r) => r.fingerprint.toString('hex'));
    expect(new Set(first).size).toBe(2);
    expect(again.slice(0, 2)).toEqual(first);
    expect(first).not.toContain(again[2]);
  });

  it('parses ISO times with offsets as written and rejects impossible dates', () => {
    expect(parseLogTime('2026-11-02T09:15:00+09:00', 'UTC')).toBe(Date.UTC(2026, 10, 2, 0, 15));
    expect(parseLogTime('2026-11-02 09:15:00.5', 'UTC')).toBe(Date.UTC(2026, 10, 2, 9, 15, 0, 500));
    expect(parseLogTime('2026-02-30 09:00', 'Asia/Tokyo')).toBeUndefined();
  });
});
