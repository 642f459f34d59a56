import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const print = (documentName: string): Partial<Event> => ({ printJob: { jobId: 1, documentName, printer: 'Floor3', pages: 3, copies: 1, state: 'completed' } });
const copy = (destinationPath: string): Partial<Event> => ({
  fileCopy: { destinationPath, destinationKind: 'removable', destinationRoot: 'E:\\', sourcePath: 'C:\\Users\\tanaka\\x', sizeBytes: 2048, operation: 'copied' },
});
/** Five logged events with Japanese and ASCII names (seq 1…5, oldest first). */
const payloads = [print('2026年度 営業見積書.pdf'), copy('E:\\社外秘\\顧客名簿.xlsx'), print('Quarterly_Report.PDF'), print('議事録.docx'), copy('/media/usb/見積書_最終.pdf')];

/** The combined log: filled by projection, keyword search (Japanese, short words, several words), filters, paging. */
export function logsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('logs: projection fills the log; Japanese and short keywords, several words, case and literal _ all search as SQLite does', async () => {
    const { store, repos: { logs, directory } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const seqOf = new Map(stored.map((e) => [e.id, e.seq]));
    const seqs = async (search: Parameters<typeof logs.search>[0]) => (await logs.search(search)).map((r) => seqOf.get(r.eventId));
    expect(await seqs({ limit: 10 })).toEqual([5, 4, 3, 2, 1]);
    expect(await seqs({ text: '見積書', limit: 10 })).toEqual([5, 1]);
    expect(await seqs({ text: '名簿', limit: 10 })).toEqual([2]);
    expect(await seqs({ text: '顧客名簿  removable', limit: 10 })).toEqual([2]);
    expect(await seqs({ text: '顧客名簿 floor3', limit: 10 })).toEqual([]);
    expect(await seqs({ text: 'quarterly_report', limit: 10 })).toEqual([3]);
    expect(await seqs({ text: 'quarterlyXreport', limit: 10 })).toEqual([]);
    expect(await seqs({ text: '100%', limit: 10 })).toEqual([]);
    expect(await seqs({ kinds: ['file_copy'], limit: 10 })).toEqual([5, 2]);
    expect(await seqs({ action: 'completed', limit: 10 })).toEqual([4, 3, 1]);
    expect(await seqs({ fromMs: stored[1]!.timeMs, toMs: stored[2]!.timeMs, limit: 10 })).toEqual([3, 2]);
    const [row] = await logs.search({ text: '顧客名簿', limit: 1 });
    expect(row).toEqual({
      eventId: stored[1]!.id, timeMs: stored[1]!.timeMs, pc: 'PC-1', agentId, user: 'tanaka', kind: 'file_copy', action: 'copied',
      summary: 'E:\\社外秘\\顧客名簿.xlsx', detail: 'removable · E:\\ · from C:\\Users\\tanaka\\x', sizeBytes: 2048, department: '', site: '',
    });
    await directory.replace([{ pc: 'PC-1', department: '営業部', site: 'tokyo' }], 1);
    expect(await seqs({ department: '営業部', text: '見積書', limit: 10 })).toEqual([5, 1]);
    expect(await seqs({ site: 'osaka', limit: 10 })).toEqual([]);
    const event = await logs.event(stored[0]!.id);
    expect(event).toMatchObject({ id: stored[0]!.id, agentId, seq: 1, pc: 'PC-1', user: 'tanaka', kind: 'print_job' });
    expect(event!.bytes.equals(stored[0]!.bytes)).toBe(true);
    expect(await logs.event(999_999)).toBeUndefined();
  });

  it('logs: pages by (time, event id) both ways and walks every match in chunks; a second projection adds nothing twice', async () => {
    const { store, repos: { logs } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(2);
    await store.projectPending(100);
    expect((await store.projectPending(100)).events).toEqual([]);
    const seqOf = new Map(stored.map((e) => [e.id, e.seq]));
    const firstTwo = await logs.search({ order: 'asc', limit: 2 });
    expect(firstTwo.map((r) => seqOf.get(r.eventId))).toEqual([1, 2]);
    const last = firstTwo[1]!;
    expect((await logs.search({ order: 'asc', before: { timeMs: last.timeMs, eventId: last.eventId }, limit: 10 })).map((r) => seqOf.get(r.eventId))).toEqual([3, 4, 5]);
    expect((await logs.search({ before: { timeMs: last.timeMs, eventId: last.eventId }, limit: 10 })).map((r) => seqOf.get(r.eventId))).toEqual([1]);
    const chunks: number[][] = [];
    for await (const chunk of logs.chunks({}, 2)) chunks.push(chunk.map((r) => seqOf.get(r.eventId)!));
    expect(chunks).toEqual([[5, 4], [3, 2], [1]]);
  });
}
