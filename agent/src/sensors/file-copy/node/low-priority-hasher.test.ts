import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256FileKeeping } from './hash.ts';
import { LowPriorityHasher } from './low-priority-hasher.ts';

/** Nice values of this process's threads (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.skipIf(process.platform !== 'linux')('LowPriorityHasher', () => {
  it('hashes on a thread of its own at nice 19, and reports unreadable files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-hasher-'));
    try {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      writeFileSync(join(dir, 'f.bin'), data);
      const hasher = new LowPriorityHasher();
      expect(threadNiceValues()).not.toContain(19);
      expect(await hasher.hash(join(dir, 'f.bin'))).toBe(createHash('sha256').update(data).digest('hex'));
      expect(threadNiceValues()).toContain(19);
      await expect(hasher.hash(join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/);
      await hasher.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(process.platform !== 'linux')('one read feeds hash and inspection', () => {
  it('hands back the bytes it hashed for a file within the limit, and only the hash for a larger one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-hasher-keep-'));
    try {
      const small = randomBytes(70_000);
      const large = randomBytes(300_000);
      writeFileSync(join(dir, 'small.bin'), small);
      writeFileSync(join(dir, 'large.bin'), large);
      writeFileSync(join(dir, 'empty.bin'), '');
      const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
      const hasher = new LowPriorityHasher();
      const kept = await hasher.hashKeeping(join(dir, 'small.bin'), 100_000);
      expect(kept.sha256).toBe(sha(small));
      expect(Buffer.from(kept.bytes!).equals(small)).toBe(true);
      expect(await hasher.hashKeeping(join(dir, 'large.bin'), 100_000)).toEqual({ sha256: sha(large) });
      expect((await hasher.hashKeeping(join(dir, 'empty.bin'), 100_000)).bytes?.length).toBe(0);
      await hasher.close();
      const onMain = await sha256FileKeeping(join(dir, 'small.bin'), 100_000);
      expect(onMain.sha256).toBe(sha(small));
      expect(Buffer.from(onMain.bytes!).equals(small)).toBe(true);
      expect(await sha256FileKeeping(join(dir, 'large.bin'), 100_000)).toEqual({ sha256: sha(large) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
