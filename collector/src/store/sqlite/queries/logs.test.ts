import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogEntryRow, LogSearch } from '../../repositories/logs.ts';
import { migrate } from '../migrate.ts';
import { searchLogs, type LogSearchTuning } from './logs.ts';

/**
 * Keyword search ordered by event time, checked against a plain sort of every entry: with a tiny first window the
 * plan (a window of the newest matches by id, then a proof that nothing outside sorts first) runs on 600 entries,
 * including late arrivals — entries stored last (high ids) for events long ago, and entries stored first (low ids)
 * with the newest event times, as from a PC whose clock or backlog says so.
 */
describe('log keyword search by event time', () => {
  let db: Database.Database;
  const entries: { id: number; timeMs: number; summary: string; kind: string }[] = [];
  const tuned: LogSearchTuning = { firstWindow: 40 };

  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db);
    entries.length = 0;
    const insert = db.prepare(`INSERT INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes)
      VALUES (?, ?, 'PC-1', 'tanaka', ?, 'created', ?, 'removable', 0)`);
    const text = db.prepare('INSERT INTO log_entries_fts (rowid, summary, detail) VALUES (?, ?, ?)');
    const base = Date.UTC(2026, 10, 1);
    for (let id = 1; id <= 600; id += 1) {
      // Arrival order follows event time, except: ids 1-5 happened last (a PC that sent its newest events first,
      // arriving early), and ids 596-600 happened first (a PC back from weeks offline).
      let timeMs = base + id * 60_000;
      if (id <= 5) timeMs = base + 10_000 * 60_000 + id;
      if (id > 595) timeMs = base - id * 60_000;
      const summary = id % 3 === 0 ? `見積書-${id}.xlsx` : `photo-${id}.jpg`;
      const kind = id % 2 === 0 ? 'upload' : 'file_copy';
      insert.run(id, timeMs, kind, summary);
      text.run(id, summary, 'removable');
      entries.push({ id, timeMs, summary, kind });
    }
  });

  const expected = (word: string, order: 'asc' | 'desc', limit: number, filter: (e: (typeof entries)[number]) => boolean = () => true) => entries
    .filter((e) => e.summary.includes(word) && filter(e))
    .sort((a, b) => (order === 'desc' ? b.timeMs - a.timeMs || b.id - a.id : a.timeMs - b.timeMs || a.id - b.id))
    .slice(0, limit).map((e) => e.id);
  const ids = (rows: LogEntryRow[]) => rows.map((r) => r.eventId);
  const search = (s: Omit<LogSearch, 'limit'> & { limit?: number }) => ids(searchLogs(db, { limit: 10, ...s }, tuned));

  it('newest first puts early-stored entries with the latest times on top (the window alone would miss them)', () => {
    const got = search({ text: '見積書' });
    expect(got).toEqual(expected('見積書', 'desc', 10));
    expect(got[0]).toBe(3); // id 3 matches and happened last
  });

  it('oldest first puts late arrivals with the earliest times on top', () => {
    const got = search({ text: '見積書', order: 'asc' });
    expect(got).toEqual(expected('見積書', 'asc', 10));
    expect(got[0]).toBe(600);
  });

  it('pages with a cursor reach the same order as a full sort, to the end', () => {
    for (const order of ['desc', 'asc'] as const) {
      const all: number[] = [];
      let before: LogSearch['before'];
      for (;;) {
        const rows = searchLogs(db, { text: 'photo', order, limit: 37, before }, tuned);
        all.push(...ids(rows));
        if (rows.length < 37) break;
        before = { timeMs: rows.at(-1)!.timeMs, eventId: rows.at(-1)!.eventId };
      }
      expect(all).toEqual(expected('photo', order, 1_000));
    }
  });

  it('combines the window with other filters', () => {
    expect(search({ text: 'photo', kinds: ['upload'], limit: 25 })).toEqual(expected('photo', 'desc', 25, (e) => e.kind === 'upload'));
  });

  it('gives the same answer with the default plan choice', () => {
    expect(ids(searchLogs(db, { text: '見積書', limit: 10 }))).toEqual(expected('見積書', 'desc', 10));
  });

  it('matches a word only where it stands whole in one column, not where its trigrams are scattered', () => {
    // The index keeps no positions: "abc" and "bcd" both occur in 601 and across the columns of 602, but only 603 and
    // 604 hold "abcd" itself; case folds for every script as the trigram tokenizer does (Ａ/ａ are not ASCII).
    const insert = db.prepare(`INSERT INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes)
      VALUES (?, 0, 'PC-1', 'tanaka', 'upload', 'created', ?, ?, 0)`);
    const text = db.prepare('INSERT INTO log_entries_fts (rowid, summary, detail) VALUES (?, ?, ?)');
    for (const [id, summary, detail] of [[601, 'abc-xbcd', ''], [602, 'xabc', 'bcdx'], [603, 'ABCD.pdf', ''], [604, '', 'to abcd'],
      [605, '報告書ＡＢＣ', ''], [606, 'ａｂｃ', '']] as const) {
      insert.run(id, summary, detail);
      text.run(id, summary, detail);
    }
    expect(search({ text: 'abcd' }).sort()).toEqual([603, 604]);
    expect(search({ text: 'aBcD pdf' })).toEqual([603]);
    expect(search({ text: 'ａｂｃ' }).sort()).toEqual([605, 606]);
  });
});
