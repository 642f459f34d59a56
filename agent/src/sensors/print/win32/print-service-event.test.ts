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

describe('PrintService 307 records captured on real PCs and published (fixtures/published-307.xml; sources in fixtures/README.md)', () => {
  // Event Viewer's indented XML with double quotes, not wevtutil's compact form: the parser must take both.
  const records = splitEvents(readFileSync(new URL('./fixtures/published-307.xml', import.meta.url), 'utf8')).map(parsePrintServiceEvent);

  it('reads both published events: ids, record numbers, computers and 7- and 9-digit fractional timestamps', () => {
    expect(records.map((r) => [r?.eventId, r?.recordId, r?.computer])).toEqual([[307, 97, 'DESKTOP-PRINTINGFUN'], [307, 635, 'DESKTOP-SGSJTLH']]);
    expect(records[0]?.timeMs).toBe(Date.parse('2022-06-28T09:15:16.166Z'));
    expect(records[1]?.timeMs).toBe(Date.parse('2020-10-08T09:40:50.007Z'));
  });

  it('maps the documented Param layout (job, document, owner, client, printer, port, bytes, pages) on real data, CJK title intact', () => {
    expect(jobFromDocumentPrinted(records[0]!, undefined)).toMatchObject({
      jobId: 4, documentName: 'Print Document', user: 'regular', printer: 'XPS', sizeBytes: 69009, pages: 1, copies: 1,
      key: 'winlog:DESKTOP-PRINTINGFUN:97',
    });
    // A Korean Windows PC printing to "Microsoft Print to PDF": Param6 (the port) carries the PDF's path there.
    expect(records[1]?.data.Param6).toBe('F:\\02 업무\\_release\\zzz.pdf');
    expect(jobFromDocumentPrinted(records[1]!, undefined)).toMatchObject({
      jobId: 45, documentName: '문서 인쇄', user: 'orseL', printer: 'Microsoft Print to PDF', sizeBytes: 110128, pages: 2,
    });
  });
});
