import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, decodeEvent } from '@mamori/proto';
import { Journal } from './journal.ts';
import { Recorder } from './recorder.ts';

function journalAt(maxBytes = 1e9) {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-journal-'));
  return { path: join(dir, 'j.db'), journal: new Journal(join(dir, 'j.db'), { maxBytes }) };
}

const identity = { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'suzuki' };

describe('journal', () => {
  it('chains every event and survives reopening with the same head', () => {
    const { path, journal } = journalAt();
    const recorder = new Recorder(journal, identity, () => 1_700_000_000_000);
    for (let i = 0; i < 5; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: String(i) } });
    const rows = journal.read(1, 10);
    let hash = ZERO_HASH;
    for (const row of rows) {
      expect(row.prevHash.equals(hash)).toBe(true);
      hash = chainHash(hash, row.bytes);
      expect(row.hash.equals(hash)).toBe(true);
    }
    expect(decodeEvent(rows[2]!.bytes)).toMatchObject({ seq: 3, agentId: 'ag_1', pc: 'PC-1', user: 'suzuki' });
    journal.close();
    const reopened = new Journal(path, { maxBytes: 1e9 });
    expect(reopened.lastSeq).toBe(5);
    expect(reopened.lastHash.equals(hash)).toBe(true);
  });

  it('deletes only what was acknowledged, and keeps the chain head after emptying', () => {
    const { journal } = journalAt();
    const recorder = new Recorder(journal, identity);
    for (let i = 0; i < 10; i += 1) recorder.record({ lifecycle: { kind: 'STARTED' } });
    journal.acknowledge(4);
    expect(journal.backlog()).toMatchObject({ events: 6, firstSeq: 5 });
    journal.acknowledge(10);
    expect(journal.backlog().events).toBe(0);
    expect(recorder.record({ lifecycle: { kind: 'STOPPED' } })).toBe(11);
    expect(journal.read(11, 1)[0]!.prevHash.equals(journal.read(11, 1)[0]!.prevHash)).toBe(true);
  });

  it('at the size cap drops the oldest unsent events and records that it did, never silently', () => {
    const { journal } = journalAt(4_000);
    const recorder = new Recorder(journal, identity);
    for (let i = 0; i < 200; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: 'x'.repeat(40) } });
    const rows = journal.read(1, 1_000);
    const full = rows.map((r) => decodeEvent(r.bytes)).filter((e) => e.lifecycle?.kind === 'JOURNAL_FULL');
    expect(full.length).toBeGreaterThan(0);
    // the newest declaration covers every seq missing before the first kept event (nothing was acknowledged)
    const latest = full.at(-1)!.lifecycle!;
    expect(latest.droppedFromSeq).toBe(1);
    expect(latest.droppedToSeq).toBeGreaterThanOrEqual(rows[0]!.seq - 1);
    expect(journal.backlog().bytes).toBeLessThanOrEqual(4_000 + 200);
    // the newest event is never the one dropped
    expect(rows.at(-1)!.seq).toBe(journal.lastSeq);
  });

  it('opens a journal written before sealing: its rows read back unsealed, new rows get the seal columns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-journal-'));
    const old = new Database(join(dir, 'j.db'));
    old.exec(`CREATE TABLE journal (seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, bytes BLOB NOT NULL);
      CREATE TABLE chain_head (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, last_hash BLOB NOT NULL);`);
    const bytes = Buffer.from('old event');
    old.prepare('INSERT INTO journal VALUES (1, 1, zeroblob(32), ?, ?)').run(chainHash(ZERO_HASH, bytes), bytes);
    old.prepare('INSERT INTO chain_head VALUES (1, 1, ?)').run(chainHash(ZERO_HASH, bytes));
    old.close();
    const journal = new Journal(join(dir, 'j.db'), { maxBytes: 1e9 });
    new Recorder(journal, identity).record({ lifecycle: { kind: 'STARTED' } });
    expect(journal.read(1, 10).map((r) => [r.seq, r.sealChain, r.seal])).toEqual([[1, null, null], [2, null, null]]);
  });
});
