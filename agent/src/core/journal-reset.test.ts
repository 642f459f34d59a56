import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, decodeEvent } from '@mamori/proto';
import { Journal } from './journal.ts';
import { reconcileWithCollector } from './journal-reset.ts';
import { Recorder } from './recorder.ts';

const identity = { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'suzuki' };

function fresh() {
  const path = join(mkdtempSync(join(tmpdir(), 'mamori-reset-')), 'journal.db');
  const journal = new Journal(path, { maxBytes: 1e9 });
  return { path, journal, recorder: new Recorder(journal, identity) };
}

const print = (name: string) => ({ printJob: { jobId: 1, documentName: name, printer: 'PDF', pages: 1, copies: 1, state: 'completed' } });
const collectorHash = Buffer.alloc(32, 0xab);

/** Every row chains from `anchor` and carries in its signed bytes the seq it is stored under. */
function expectChainedFrom(journal: Journal, anchor: Buffer): void {
  let hash = anchor;
  for (const row of journal.read(0, 1e6)) {
    expect(row.prevHash.equals(hash), `prev hash of ${row.seq}`).toBe(true);
    hash = chainHash(hash, row.bytes);
    expect(row.hash.equals(hash)).toBe(true);
    expect(decodeEvent(row.bytes).seq).toBe(row.seq);
  }
}

describe('journal reconciliation with the collector (Welcome)', () => {
  it('leaves a journal whose chain the collector continues alone', () => {
    const { journal, recorder } = fresh();
    for (let i = 0; i < 5; i += 1) recorder.record(print(`doc-${i}`));
    expect(reconcileWithCollector(journal, recorder, { lastSeq: 3, lastHash: journal.hashAt(3)! }, 'test')).toEqual({ kind: 'in_step' });
    expect(reconcileWithCollector(journal, recorder, { lastSeq: 0, lastHash: ZERO_HASH }, 'test')).toEqual({ kind: 'in_step' });
    expect(journal.lastSeq).toBe(5);
    expect(journal.confirmedThrough).toBe(5);
  });

  it('a fresh journal (old one deleted) behind the collector: JOURNAL_RESET on the collector head, its rows renumbered after it, content kept', () => {
    const { journal, recorder } = fresh();
    for (let i = 0; i < 3; i += 1) recorder.record(print(`offline-${i}`));
    const before = journal.read(0, 10).map((row) => decodeEvent(row.bytes));
    const outcome = reconcileWithCollector(journal, recorder, { lastSeq: 406, lastHash: collectorHash }, 'test');
    expect(outcome).toEqual({ kind: 'reset', resetSeq: 407, renumbered: 3, reason: 'deleted' });
    const rows = journal.read(0, 10);
    expect(rows.map((r) => r.seq)).toEqual([407, 408, 409, 410]);
    expectChainedFrom(journal, collectorHash);
    const reset = decodeEvent(rows[0]!.bytes).lifecycle!;
    expect(reset).toMatchObject({ kind: 'JOURNAL_RESET', resetCollectorSeq: 406, resetJournalSeq: 3, renumberedFromSeq: 1, renumberedToSeq: 3 });
    const after = rows.slice(1).map((row) => decodeEvent(row.bytes));
    expect(after.map(({ seq: _seq, ...rest }) => rest)).toEqual(before.map(({ seq: _seq, ...rest }) => rest));
    // new events continue the segment; nothing of it is acknowledged away
    expect(recorder.record(print('online'))).toBe(411);
    expect(journal.backlog().events).toBe(5);
    expect(reconcileWithCollector(journal, recorder, { lastSeq: 406, lastHash: collectorHash }, 'test')).toEqual({ kind: 'in_step' });
  });

  it('a fresh journal that got further than the collector but on another chain is reset too (hash at the collector head differs)', () => {
    const { journal, recorder } = fresh();
    for (let i = 0; i < 8; i += 1) recorder.record(print(`offline-${i}`));
    const outcome = reconcileWithCollector(journal, recorder, { lastSeq: 5, lastHash: collectorHash }, 'test');
    expect(outcome).toMatchObject({ kind: 'reset', resetSeq: 6, renumbered: 8 });
    expect(journal.read(0, 20).map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expectChainedFrom(journal, collectorHash);
  });

  it('a restored older copy: confirmed rows go as they are, rows journaled after the restore are renumbered, head on the collector', () => {
    const { path, journal, recorder } = fresh();
    for (let i = 0; i < 4; i += 1) recorder.record(print(`early-${i}`));
    reconcileWithCollector(journal, recorder, { lastSeq: 2, lastHash: journal.hashAt(2)! }, 'test');
    journal.acknowledge(2);
    journal.close();
    // the copy is reopened later (rows 3..4 confirmed but unsent); the agent journals one more before the Welcome
    const copy = new Journal(path, { maxBytes: 1e9 });
    const copyRecorder = new Recorder(copy, identity);
    copyRecorder.record(print('after-restore'));
    const confirmedRows = copy.read(0, 10).filter((r) => r.seq <= 4).map((r) => ({ seq: r.seq, hash: r.hash.toString('hex') }));
    const outcome = reconcileWithCollector(copy, copyRecorder, { lastSeq: 20, lastHash: collectorHash }, 'test');
    expect(outcome).toEqual({ kind: 'reset', resetSeq: 21, renumbered: 1, reason: 'rolled_back' });
    const rows = copy.read(0, 10);
    expect(rows.filter((r) => r.seq <= 4).map((r) => ({ seq: r.seq, hash: r.hash.toString('hex') }))).toEqual(confirmedRows);
    expect(rows.map((r) => r.seq)).toEqual([3, 4, 21, 22]);
    expect(rows[2]!.prevHash.equals(collectorHash)).toBe(true);
    expect(decodeEvent(rows[2]!.bytes).lifecycle).toMatchObject({ kind: 'JOURNAL_RESET', resetJournalSeq: 4, renumberedFromSeq: 5, renumberedToSeq: 5 });
    expect(decodeEvent(rows[3]!.bytes).printJob?.documentName).toBe('after-restore');
  });

  it('a journal at the same seq as the collector but with another hash is reset', () => {
    const { journal, recorder } = fresh();
    for (let i = 0; i < 3; i += 1) recorder.record(print(`x-${i}`));
    journal.acknowledge(3);
    journal.confirmThrough(3);
    expect(reconcileWithCollector(journal, recorder, { lastSeq: 3, lastHash: collectorHash }, 'test')).toMatchObject({ kind: 'reset', resetSeq: 4, reason: 'diverged' });
    expect(journal.read(4, 1)[0]!.prevHash.equals(collectorHash)).toBe(true);
  });

  it('discards exactly the rows the collector quarantined', () => {
    const { journal, recorder } = fresh();
    for (let i = 0; i < 6; i += 1) recorder.record(print(`q-${i}`));
    journal.discard(2, 4);
    expect(journal.read(0, 10).map((r) => r.seq)).toEqual([1, 5, 6]);
    expect(journal.backlog().events).toBe(3);
  });
});
