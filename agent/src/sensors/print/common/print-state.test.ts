import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrintStateStore } from './print-state.ts';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'mamori-print-state-')), 'sub', 'print-state.json');

describe('PrintStateStore', () => {
  it('remembers recorded jobs, decisions and daily pages across a restart', () => {
    const path = fresh();
    const now = Date.now();
    const a = new PrintStateStore(path);
    a.rememberDecision('job-b', { outcome: 'held', rule: 'print.per_user_per_day', reason: 'r' });
    a.markRecorded('job-a', now, now, '2026-11-22', 'tanaka', 9);
    const b = new PrintStateStore(path);
    expect(b.isRecorded('job-a')).toBe(true);
    expect(b.isRecorded('job-b')).toBe(false);
    expect(b.decision('job-b')?.outcome).toBe('held');
    expect(b.pagesOn('2026-11-22', 'tanaka')).toBe(9);
    expect(b.pagesOn('2026-11-22', 'suzuki')).toBe(0);
  });

  it('treats untrusted user names as plain keys', () => {
    const path = fresh();
    const now = Date.now();
    const a = new PrintStateStore(path);
    a.markRecorded('x', now, now, 'd', '__proto__', 3);
    a.markRecorded('y', now, now, 'd', 'constructor', 4);
    const b = new PrintStateStore(path);
    expect(b.pagesOn('d', '__proto__')).toBe(3);
    expect(b.pagesOn('d', 'constructor')).toBe(4);
    expect(b.pagesOn('d', 'toString')).toBe(0);
  });

  it('forgets keys after two weeks but still treats jobs that old as recorded', () => {
    const path = fresh();
    const now = Date.now();
    const old = now - 20 * 24 * 3600_000;
    const store = new PrintStateStore(path);
    store.markRecorded('old', old, now, 'd', 'u', 1);
    expect(store.isRecorded('old', old)).toBe(true);
    expect(store.isRecorded('older-never-seen', old - 1000)).toBe(true);
    expect(store.isRecorded('new-never-seen', now)).toBe(false);
  });

  it('starts empty and says why when the file is corrupt', () => {
    const path = fresh();
    new PrintStateStore(path).markRecorded('a', 1, Date.now(), 'd', 'u', 1);
    writeFileSync(path, '{not json');
    const store = new PrintStateStore(path);
    expect(store.loadProblem).toMatch(/unreadable/);
    expect(store.isRecorded('a')).toBe(false);
  });
});
