import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
