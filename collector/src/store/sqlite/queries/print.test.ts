import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../sqlite-store.ts';
import { printTotals, searchPrintJobs } from './print.ts';
import { day, printEvent, storeWith } from './print-test-support.ts';

describe('print_jobs index and queries', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('indexes every field of a print_job event and finds it by document-name words', async () => {
    store = await storeWith([
      printEvent(1, { documentName: '顧客リスト 2026.xlsx', pages: 9, copies: 3, sheets: 9, printer: 'Canon 経理' }),
      printEvent(2, { documentName: 'minutes.docx' }),
    ]);
    const [row] = searchPrintJobs(store.db, { text: '顧客リスト xlsx' });
    expect(row).toMatchObject({ agentId: 'agent-1', pc: 'PC-ACCT-07', seq: 1, jobId: 1, documentName: '顧客リスト 2026.xlsx', printer: 'Canon 経理', jobUser: 'tanaka', pages: 9, copies: 3, sheets: 9, sizeBytes: 1024, state: 'completed', action: 'logged', spooler: 'cups' });
    expect(searchPrintJobs(store.db, { text: 'nothing-like-this' })).toEqual([]);
  });

  it('stores odd names intact and treats LIKE wildcards and quotes in searches literally', async () => {
    const odd = `\u0007\u001b[31m 100%_done'; DROP TABLE print_jobs;-- \u202e ${'長'.repeat(3000)}`;
    const withNul = 'before\u0000after';
    store = await storeWith([
      printEvent(1, { documentName: odd, jobUser: "o'brien" }), printEvent(2, { documentName: '100 done' }),
      printEvent(3, { documentName: withNul, jobUser: 'nul' }),
    ]);
    const rows = searchPrintJobs(store.db, { text: '100%_done' });
    expect(rows.map((r) => r.documentName)).toEqual([odd]);
    expect(searchPrintJobs(store.db, { user: "o'brien" })).toHaveLength(1);
    // A NUL survives storage (SQLite's LIKE stops reading at it, so words after a NUL are not searchable).
    expect(searchPrintJobs(store.db, { user: 'nul' })[0]?.documentName).toBe(withNul);
  });

  it('keeps one row when an agent recorded the same job twice', async () => {
    const twice = { jobId: 7, submittedMs: day };
    store = await storeWith([printEvent(1, twice), printEvent(2, twice)]);
    expect(searchPrintJobs(store.db, {})).toHaveLength(1);
    expect(await store.countEvents()).toBe(2);
  });

  it('filters by user, printer, action, pages and time, newest first, and pages with beforeId', async () => {
    store = await storeWith([
      printEvent(1, { pages: 60, action: 'alerted', rule: 'print.per_job' }),
      printEvent(2, { jobUser: 'suzuki', pages: 3 }),
      printEvent(3, { pages: 2, printer: 'Home-Laser', action: 'cancelled', state: 'cancelled' }),
    ]);
    expect(searchPrintJobs(store.db, {}).map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(searchPrintJobs(store.db, { user: 'tanaka' }).map((r) => r.seq)).toEqual([3, 1]);
    expect(searchPrintJobs(store.db, { minPages: 50 }).map((r) => r.seq)).toEqual([1]);
    expect(searchPrintJobs(store.db, { action: 'cancelled', printer: 'Home-Laser' }).map((r) => r.seq)).toEqual([3]);
    expect(searchPrintJobs(store.db, { fromMs: day + 2 * 60_000, toMs: day + 3 * 60_000 }).map((r) => r.seq)).toEqual([2]);
    const first = searchPrintJobs(store.db, { limit: 2 });
    expect(searchPrintJobs(store.db, { beforeId: first.at(-1)!.id }).map((r) => r.seq)).toEqual([1]);
  });

  it('totals pages per user and PC, counting flagged jobs', async () => {
    store = await storeWith([printEvent(1, { pages: 60, action: 'alerted' }), printEvent(2, { pages: 9 }), printEvent(3, { jobUser: 'suzuki', pages: 1 })]);
    expect(printTotals(store.db, day, day + 86_400_000)).toEqual([
      { jobUser: 'tanaka', pc: 'PC-ACCT-07', jobs: 2, pages: 69, sheets: 2, flagged: 1 },
      { jobUser: 'suzuki', pc: 'PC-ACCT-07', jobs: 1, pages: 1, sheets: 1, flagged: 0 },
    ]);
  });
});
