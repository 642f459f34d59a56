import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copiesFromRenderJob, decodeXmlText, jobFromDocumentPrinted, parsePrintServiceEvent, splitEvents } from './print-service-event.ts';

const fixture = readFileSync(new URL('./fixtures/operational.xml', import.meta.url), 'utf8');

describe('PrintService/Operational records (hand-written fixture in wevtutil /f:xml format; see fixtures/README.md)', () => {
  const records = splitEvents(fixture).map(parsePrintServiceEvent);

  it('splits and parses every event with id, record number, time and computer', () => {
    expect(records.map((r) => [r?.eventId, r?.recordId])).toEqual([[805, 4127], [307, 4128], [307, 4131]]);
    expect(records[1]).toMatchObject({ computer: 'PC-ACCT-07.corp.example.co.jp', timeMs: Date.parse('2026-03-02T01:15:44.501Z') });
  });

  it('maps 307 to a finished job, multiplying pages by the copies from 805', () => {
    const copies = copiesFromRenderJob(records[0]!);
    expect(copies).toEqual([12, 3]);
    expect(jobFromDocumentPrinted(records[1]!, copies![1])).toMatchObject({
      jobId: 12, documentName: 'Microsoft Excel - 顧客リスト_2026.xlsx', user: 'tanaka', printer: 'Canon iR-ADV C5535 (経理部)',
      pages: 9, copies: 3, sizeBytes: 284672, state: 'completed', pagesKnown: true,
      key: 'winlog:PC-ACCT-07.corp.example.co.jp:4128',
    });
  });

  it('decodes entities and keeps control characters and backslashes verbatim', () => {
    const job = jobFromDocumentPrinted(records[2]!, undefined);
    expect(job).toMatchObject({ documentName: 'Q1 <draft> & "notes" \u0001bell', user: 'CORP\\suzuki', pages: 60, copies: 1 });
  });

  it('ignores malformed or unrelated input instead of throwing', () => {
    expect(parsePrintServiceEvent('<Event><System><EventID>307</EventID></System></Event>')).toBeUndefined();
    expect(splitEvents('not xml at all')).toEqual([]);
    expect(jobFromDocumentPrinted(records[0]!, undefined)).toBeUndefined();
    expect(decodeXmlText('&#xFFFFFFF; &bogus; &lt;')).toBe('&#xFFFFFFF; &bogus; <');
  });
});
