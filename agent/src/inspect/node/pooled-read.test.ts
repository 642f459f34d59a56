import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPooled } from './pooled-read.ts';

describe('readPooled', () => {
  let dir = '';
  const a = Buffer.alloc(300_000, 1);
  const b = Buffer.alloc(200_000, 2);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mamori-pooled-'));
    for (let i = 0; i < a.length; i += 997) a[i] = i & 0xff;
    await writeFile(join(dir, 'a'), a);
    await writeFile(join(dir, 'b'), b);
    await writeFile(join(dir, 'empty'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the whole file, however far it is past what stat said, and an empty one', async () => {
    const grown = await readPooled(join(dir, 'a'), 10);
    expect(Buffer.from(grown.bytes).equals(a)).toBe(true);
    grown.release();
    const empty = await readPooled(join(dir, 'empty'), 0);
    expect(empty.bytes.length).toBe(0);
    empty.release();
  });

  it('gives reads taken side by side buffers of their own, and reuses one given back', async () => {
    const [first, second] = await Promise.all([readPooled(join(dir, 'a'), a.length), readPooled(join(dir, 'b'), b.length)]);
    expect(first.bytes.buffer).not.toBe(second.bytes.buffer);
    expect(Buffer.from(first.bytes).equals(a)).toBe(true);
    expect(Buffer.from(second.bytes).equals(b)).toBe(true);
    first.release();
    const third = await readPooled(join(dir, 'b'), b.length);
    expect(third.bytes.buffer).toBe(first.bytes.buffer);
    expect(Buffer.from(third.bytes).equals(b)).toBe(true);
    expect(Buffer.from(second.bytes).equals(b)).toBe(true);
    second.release();
    third.release();
  });

  it('does not follow a link', async () => {
    await symlink(join(dir, 'a'), join(dir, 'link'));
    await expect(readPooled(join(dir, 'link'), a.length)).rejects.toThrow();
  });
});
