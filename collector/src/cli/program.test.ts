import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUntil } from '../exceptions.ts';
import { runCollectorCli } from './program.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('mamori-collector CLI', () => {
  it('refuses wrong flags and missing data dirs with one line and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const bad = await run(['-d', dir, 'token', 'create', '--ttl', '5x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a duration/);
    const missing = await run(['-d', join(dir, 'nothing'), 'token', 'create']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/^mamori-collector: the data dir is not initialised/);
  });

  it('refuses to publish a folder with no policy files', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cli-policy-'));
    writeFileSync(join(empty, 'README.txt'), 'not a policy');
    const result = await run(['-d', empty, 'policy-publish', empty]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no policy files/);
  });

  it('reads --until as a time of day, tomorrow when already past, and refuses impossible times', () => {
    const now = new Date(2026, 10, 22, 18, 0).getTime();
    expect(new Date(parseUntil({ until: '17:00' }, now)).getDate()).toBe(23);
    expect(new Date(parseUntil({ until: '19:30' }, now)).getHours()).toBe(19);
    expect(parseUntil({ for: '2h' }, now)).toBe(now + 7_200_000);
    expect(() => parseUntil({ until: '25:99' }, now)).toThrow(/not a time of day/);
    expect(() => parseUntil({}, now)).toThrow(/--until/);
  });
});
