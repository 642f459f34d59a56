import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const job = (jobId: number, documentName: string, jobUser: string, pages: number, action: string, printer = 'Floor3'): Partial<Event> => ({
  printJob: { jobId, documentName, printer, jobUser, pages, copies: 1, sheets: Math.ceil(pages / 2), state: 'completed', spooler: 'cups', submittedMs: jobId, action },
});
/** Seq 1–5; seq 4 is job 1 journaled again (it keeps its first row). */
const payloads = [
  job(1, '2026年度_見積書.pdf', 'tanaka', 10, 'logged'), job(2, 'Board Minutes.PDF', 'sato', 120, 'alerted', 'Exec'), job(3, '議事録.docx', 'tanaka', 4, 'held'),
  job(1, '2026年度_見積書.pdf', 'tanaka', 10, 'logged'), job(5, '見積書 控え', 'tanaka', 1, 'logged'),
];

/** Print jobs: filled by projection (a job journaled twice keeps its first row), search, totals per user and PC. */
export function printContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('print: projection fills one row per job; search by words (case-insensitive, _ literal), user, printer, pages, action, time, page', async () => {
    const { store, repos: { print } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const seqs = async (search: Parameters<typeof print.search>[0]) => (await print.search(search)).map((r) => r.seq);
    expect(await seqs({})).toEqual([5, 3, 2, 1]);
    expect(await seqs({ text: '見積書' })).toEqual([5, 1]);
    expect(await seqs({ text: '年度_見積' })).toEqual([1]);
    expect(await seqs({ text: '年度X見積' })).toEqual([]);
    expect(await seqs({ text: 'board minutes' })).toEqual([2]);
    expect(await seqs({ user: 'tanaka', minPages: 4 })).toEqual([3, 1]);
    expect(await seqs({ printer: 'Exec' })).toEqual([2]);
    expect(await seqs({ action: 'held' })).toEqual([3]);
    expect(await seqs({ fromMs: stored[1]!.timeMs, toMs: stored[4]!.timeMs })).toEqual([3, 2]);
    const page = await print.search({ limit: 2 });
    expect(page.map((r) => r.seq)).toEqual([5, 3]);
    expect((await print.search({ beforeId: page[1]!.id })).map((r) => r.seq)).toEqual([2, 1]);
    expect(page[1]).toEqual({
      id: page[1]!.id, eventId: stored[2]!.id, agentId, pc: 'PC-1', seq: 3, timeMs: stored[2]!.timeMs, spooler: 'cups', jobId: 3, documentName: '議事録.docx',
      printer: 'Floor3', jobUser: 'tanaka', pages: 4, copies: 1, sheets: 2, sizeBytes: 0, submittedMs: 3, completedMs: 0, state: 'completed', action: 'held', rule: '',
    });
  });

  it('print: totals per user and PC over a time range, most pages first, counting flagged jobs', async () => {
    const { store, repos: { print } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    expect(await print.totals(0, Number.MAX_SAFE_INTEGER)).toEqual([
      { jobUser: 'sato', pc: 'PC-1', jobs: 1, pages: 120, sheets: 60, flagged: 1 },
      { jobUser: 'tanaka', pc: 'PC-1', jobs: 3, pages: 15, sheets: 8, flagged: 1 },
    ]);
    expect(await print.totals(stored[2]!.timeMs, stored[2]!.timeMs + 1)).toEqual([{ jobUser: 'tanaka', pc: 'PC-1', jobs: 1, pages: 4, sheets: 2, flagged: 1 }]);
  });
}
