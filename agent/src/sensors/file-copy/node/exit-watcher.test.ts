import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitWatcher, timestampSlackMs, type LandedFile } from './exit-watcher.ts';
import { Limiter, sha256FileKeeping } from './hash.ts';

async function until(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function watcher(root: string, files: LandedFile[], sinceMs = Date.now() - 2_000) {
  return new ExitWatcher({
    root, sinceMs, settleMs: 100, reconcileQuietMs: 200, maxDepth: 8, ignored: (p) => p.startsWith('.Trash'),
    hashing: new Limiter(2), onFile: (f) => files.push(f), onError: (e) => { throw e; },
  });
}

describe('exit watcher', () => {
  it('reports new files once with their hash, a changed file as modified, and skips files already there and ignored ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exit-'));
    writeFileSync(join(root, 'old.txt'), 'was on the stick before');
    const files: LandedFile[] = [];
    await new Promise((resolve) => setTimeout(resolve, timestampSlackMs + 100));
    const w = watcher(root, files, Date.now());
    await w.start();
    mkdirSync(join(root, 'folder/deeper'), { recursive: true });
    writeFileSync(join(root, 'folder/deeper/new.txt'), 'copied');
    mkdirSync(join(root, '.Trash-1000'));
    writeFileSync(join(root, '.Trash-1000/x'), 'housekeeping');
    await until(() => files.length === 1 && w.backlog === 0);
    expect(files[0]).toEqual({ path: join(root, 'folder/deeper/new.txt'), sizeBytes: 6, sha256: createHash('sha256').update('copied').digest('hex'), operation: 'created' });
    writeFileSync(join(root, 'folder/deeper/new.txt'), 'copied again');
    await until(() => files.length === 2);
    expect(files[1]).toMatchObject({ operation: 'modified', sizeBytes: 12 });
    await w.reconcile();
    await until(() => w.backlog === 0);
    expect(files).toHaveLength(2);
    await w.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('with each directory watch resting after an event, still reports every file of a burst and a rewrite made while it rests', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exit-'));
    const files: LandedFile[] = [];
    const w = new ExitWatcher({
      root, sinceMs: Date.now() - 2_000, settleMs: 100, reconcileQuietMs: 300, maxDepth: 8, ignored: () => false,
      hashing: new Limiter(2), onFile: (f) => files.push(f), onError: (e) => { throw e; }, watchPauseMs: 500,
    });
    await w.start();
    // Written faster than the 500 ms rest: all but the first few land while the watches are closed.
    mkdirSync(join(root, 'a/b'), { recursive: true });
    for (let i = 0; i < 300; i += 1) writeFileSync(join(root, i % 2 ? 'a/b' : 'a', `f${i}.txt`), `content ${i}`);
    await until(() => files.length >= 300 && w.backlog === 0);
    expect(new Set(files.map((f) => f.path)).size).toBe(300);
    expect(files.find((f) => f.path === join(root, 'a/b/f7.txt'))?.sha256).toBe(createHash('sha256').update('content 7').digest('hex'));
    // One event rests the directory's watch; the rewrite just after it is seen only by the rescan after the burst.
    writeFileSync(join(root, 'a/new.txt'), 'new');
    writeFileSync(join(root, 'a/f0.txt'), 'rewritten while the watch rests');
    await until(() => files.length === 302);
    expect(files.slice(300).map((f) => [f.path, f.operation]).sort()).toEqual([[join(root, 'a/f0.txt'), 'modified'], [join(root, 'a/new.txt'), 'created']]);
    expect(files.find((f) => f.path === join(root, 'a/f0.txt') && f.operation === 'modified')?.sha256)
      .toBe(createHash('sha256').update('rewritten while the watch rests').digest('hex'));
    await w.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('hashes nothing while the exit\'s free space still moves, even when no watch sees the writes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exit-'));
    const files: LandedFile[] = [];
    const hashedWhileWriting: string[] = [];
    let written = 0;
    let writing = true;
    const w = new ExitWatcher({
      root, sinceMs: Date.now() - 2_000, settleMs: 500, reconcileQuietMs: 500, maxDepth: 8, ignored: () => false,
      // The first write rests the root's watch for 5 s: every later write is invisible to it, as writes inside a
      // freshly copied folder are until the rescan watches it. Only the free space (a counter here) shows them.
      // The probe answers after a few ms, as statfs does (I/O, not a microtask): the burst's end is judged only once
      // it has answered, or the rescan runs mid-copy and misses what is written after it.
      watchPauseMs: 5_000, freeSpace: async () => { await new Promise((resolve) => setTimeout(resolve, 5)); return String(written); },
      hashFile: (path, keep) => {
        if (writing) hashedWhileWriting.push(path);
        return sha256FileKeeping(path, keep);
      },
      hashing: new Limiter(2), onFile: (f) => files.push(f), onError: (e) => { throw e; },
    });
    await w.start();
    // Writes 20 ms apart for ~1 s: far longer than settleMs without a visible event, never a 500 ms gap.
    for (let i = 0; i < 50; i += 1) {
      writeFileSync(join(root, `f${i}.txt`), `content ${i}`);
      written += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    writing = false;
    await until(() => files.length === 50 && w.backlog === 0);
    expect(hashedWhileWriting).toEqual([]);
    expect(new Set(files.map((f) => f.path)).size).toBe(50);
    await w.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('still records a file written just before its exit vanished, without a hash', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exit-'));
    const files: LandedFile[] = [];
    const w = new ExitWatcher({
      root, sinceMs: Date.now() - 2_000, settleMs: 60_000, reconcileQuietMs: 60_000, maxDepth: 8, ignored: () => false,
      hashing: new Limiter(1), onFile: (f) => files.push(f), onError: () => undefined,
    });
    await w.start();
    writeFileSync(join(root, 'last-second.csv'), 'x'.repeat(10));
    await until(() => w.backlog === 1);
    rmSync(root, { recursive: true, force: true });
    await w.close();
    await until(() => files.length === 1);
    expect(files[0]).toMatchObject({ path: join(root, 'last-second.csv'), sha256: '', operation: 'created' });
  });
});
