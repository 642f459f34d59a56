import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../../core/event-draft.ts';
import { scriptOf, UTF8_OUTPUT } from '../../../platform/powershell.ts';
import { PrintStateStore } from '../common/print-state.ts';
import { createPrintLogReader, printLogCommand, printLogQuery, type RawRunner } from './print-log-query.ts';
import { PrintServiceEventLogSensor } from './print-service-event-log-sensor.ts';
import { jobFromDocumentPrinted, parsePrintServiceEvent, splitEvents } from './print-service-event.ts';

// Hand-written fixture (fixtures/README.md): a 307 whose document and printer names are Japanese.
const fixture = readFileSync(new URL('./fixtures/operational.xml', import.meta.url), 'utf8');
const answering = (stdout: Uint8Array, code = 0, stderr = ''): RawRunner => async () => ({ code, stdout, stderr });

describe('PrintService catch-up read through PowerShell (command as data; output bytes from the hand-written fixture)', () => {
  it('asks Get-WinEvent for 307/805 newer than the last record, with UTF-8 output switched on first', () => {
    const [program, args] = printLogCommand(printLogQuery(4128));
    expect(program).toBe('powershell.exe');
    const script = scriptOf(args);
    expect(script.split('\n')[0]).toBe(UTF8_OUTPUT);
    expect(script).toContain("Get-WinEvent -LogName 'Microsoft-Windows-PrintService/Operational' -FilterXPath '*[System[(EventID=307 or EventID=805) and EventRecordID>4128]]' -Oldest");
    // An empty result is an answer, not a failure.
    expect(script).toContain("'NoMatchingEventsFound*'");
    expect(printLogQuery(-3.7)).toContain('EventRecordID>0');
  });

  it('UTF-8 output keeps Japanese document and printer names', async () => {
    const xml = await createPrintLogReader(answering(Buffer.from(fixture, 'utf8')))(printLogQuery(0));
    const job = jobFromDocumentPrinted(splitEvents(xml).map(parsePrintServiceEvent)[1]!, undefined);
    expect(job).toMatchObject({ documentName: 'Microsoft Excel - 顧客リスト_2026.xlsx', printer: 'Canon iR-ADV C5535 (経理部)' });
  });

  it('the same records in CP932 (no UTF-8 switch on a ja-JP PC) garble as UTF-8, so the read is refused and the sensor says degraded', async () => {
    const cp932 = iconv.encode(fixture, 'cp932');
    expect(iconv.decode(cp932, 'cp932')).toContain('顧客リスト_2026');
    expect(Buffer.from(cp932).toString('utf8')).not.toContain('顧客リスト');
    const reader = createPrintLogReader(answering(cp932));
    await expect(reader(printLogQuery(0))).rejects.toThrow(/not UTF-8/);

    const events: EventDraft[] = [];
    const state = new PrintStateStore(join(mkdtempSync(join(tmpdir(), 'mamori-winprint-')), 'print-state.json'));
    const sensor = new PrintServiceEventLogSensor({ pollMs: 60_000, state, readLog: reader, spawnHost: null, policy: () => undefined });
    const abort = new AbortController();
    const status = await sensor.start((e) => events.push(e), abort.signal);
    abort.abort();
    expect(status).toMatchObject({ state: 'degraded', detail: expect.stringContaining('not UTF-8') });
    expect(events).toEqual([]);
  });

  it('a failing PowerShell (channel missing, access denied) rejects with its message', async () => {
    const reader = createPrintLogReader(answering(new Uint8Array(), 1, 'Get-WinEvent : Attempted to perform an unauthorized operation.'));
    await expect(reader(printLogQuery(0))).rejects.toThrow('unauthorized operation');
  });
});
