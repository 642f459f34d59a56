import { expect, it } from 'vitest';
import { ZERO_HASH, chainHash, decodeEvent, encodeEvent } from '@mamori/proto';
import { importAgentId, type ImportInput } from '../repositories/log-imports.ts';
import type { RepositoriesUnderTest } from './subject.ts';

const agentId = importAgentId('resident');
const fingerprint = (n: number) => Buffer.alloc(32, n);
/** A file of rows `numbers` (row n: fingerprint n, PC-n), imported at `nowMs`. */
const file = (numbers: number[], nowMs: number, fileName = 'f.csv'): ImportInput => ({
  mapping: 'resident', eventKind: 'resident_record', fileName, fileSha256: 'aa'.repeat(32), rowsTotal: numbers.length + 1, rowsRejected: 1, actor: 'admin', nowMs,
  rows: numbers.map((n) => ({
    fingerprint: fingerprint(n), timeMs: 1_700_000_000_000 + n, pc: `PC-${n}`, user: `clerk${n}`,
    encode: (seq: number) => encodeEvent({
      seq, timeMs: 1_700_000_000_000 + n, agentId, pc: `PC-${n}`, user: `clerk${n}`,
      importedRecord: { mapping: 'resident', eventKind: 'resident_record', source: 'jumin', action: 'view', target: `row-${n}`, outcome: 'ok', fileName, line: n },
    }),
  })),
});

/** The mapping's events in seq order, checked to form one unbroken hash chain from zero. */
async function chain(subject: RepositoriesUnderTest, count: number): Promise<string[]> {
  const events = await subject.store.eventsBySeq(agentId, 1, count + 10);
  let hash = ZERO_HASH;
  for (const [i, e] of events.entries()) {
    expect(e.seq).toBe(i + 1);
    hash = chainHash(hash, e.bytes);
    expect(e.hash.equals(hash)).toBe(true);
  }
  return events.map((e) => decodeEvent(e.bytes).importedRecord!.target);
}

/** Imported logs: one hash chain per mapping, a re-import adds nothing twice, each file recorded. */
export function logImportsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('log imports: new rows continue the mapping\'s chain, rows already imported are skipped, each import listed newest first', async () => {
    const subject = await start();
    const { logImports } = subject.repos;
    expect(await logImports.store(file([1, 2, 3], 10))).toEqual({ importId: expect.any(Number), rowsNew: 3, rowsDuplicate: 0, firstSeq: 1, lastSeq: 3 });
    const again = await logImports.store(file([2, 3, 4, 5], 20, 'g.csv'));
    expect(again).toMatchObject({ rowsNew: 2, rowsDuplicate: 2, firstSeq: 4, lastSeq: 5 });
    expect(await logImports.store(file([1, 5], 30, 'h.csv'))).toMatchObject({ rowsNew: 0, rowsDuplicate: 2, firstSeq: null, lastSeq: null });
    expect(await chain(subject, 5)).toEqual(['row-1', 'row-2', 'row-3', 'row-4', 'row-5']);
    const stored = await subject.store.eventsBySeq(agentId, 4, 4);
    expect(stored[0]).toMatchObject({ agentId, pc: 'PC-4', user: 'clerk4', kind: 'imported_record', receivedMs: 20, timeMs: 1_700_000_000_004 });
    const list = await logImports.list(2);
    expect(list).toEqual([
      { id: expect.any(Number), mapping: 'resident', eventKind: 'resident_record', fileName: 'h.csv', fileSha256: 'aa'.repeat(32), rowsTotal: 3, rowsNew: 0,
        rowsDuplicate: 2, rowsRejected: 1, firstSeq: null, lastSeq: null, importedMs: 30, actor: 'admin' },
      { id: again.importId, mapping: 'resident', eventKind: 'resident_record', fileName: 'g.csv', fileSha256: 'aa'.repeat(32), rowsTotal: 5, rowsNew: 2,
        rowsDuplicate: 2, rowsRejected: 1, firstSeq: 4, lastSeq: 5, importedMs: 20, actor: 'admin' },
    ]);
  });

  it('log imports: two collectors importing overlapping files at once keep one chain and store each row once', async () => {
    const subject = await start();
    const other = await subject.second();
    try {
      const results = await Promise.all([subject.repos.logImports.store(file([1, 2, 3, 4], 10)), other.repos.logImports.store(file([3, 4, 5, 6], 10))]);
      expect(results.map((r) => r.rowsNew).sort()).toEqual([2, 4]);
      expect((await chain(subject, 6)).sort()).toEqual(['row-1', 'row-2', 'row-3', 'row-4', 'row-5', 'row-6']);
    } finally {
      await other.close();
    }
  });
}
