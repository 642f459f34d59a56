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

  it('reads --until as a time of day, refuses one already past unless --tomorrow, and refuses impossible times', () => {
    const now = new Date(2026, 10, 22, 18, 0).getTime();
    expect(() => parseUntil({ until: '17:00' }, now)).toThrow(/--until 17:00 is already past \(it is 2026-11-22 18:00 .*\); add --tomorrow/);
    expect(new Date(parseUntil({ until: '17:00', tomorrow: true }, now)).getDate()).toBe(23);
    expect(() => parseUntil({ until: '2026-11-30T10:00', tomorrow: true }, now)).toThrow(/--tomorrow goes with --until HH:MM/);
    expect(new Date(parseUntil({ until: '19:30' }, now)).getHours()).toBe(19);
    expect(parseUntil({ for: '2h' }, now)).toBe(now + 7_200_000);
    expect(() => parseUntil({ until: '25:99' }, now)).toThrow(/not a time of day/);
    expect(() => parseUntil({}, now)).toThrow(/--until/);
  });
});

describe('mamori-collector pcs', () => {
  it('lists enrolled PCs (not replaced agents unless --all), as text and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-pcs-'));
    expect((await run(['-d', dir, 'init', '--json'])).code).toBe(0);
    expect((await run(['-d', dir, 'pcs'])).out).toBe('(no PCs enrolled)\n');
    const { SqliteStore } = await import('../store/sqlite/sqlite-store.ts');
    const { databasePath } = await import('../data-dir.ts');
    const store = new SqliteStore(databasePath(dir));
    const agent = (id: string, pc: string, previousAgentId: string | null) => ({
      id, pc, hardwareId: `hw-${pc}`, os: 'Windows 11 Pro', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: Date.parse('2026-11-20T01:00:00Z'), previousAgentId,
    });
    await store.createAgent(agent('a-2', 'PC-ACCT-07', null));
    await store.createAgent(agent('a-1', 'PC-ACCT-01', null));
    await store.createAgent(agent('a-0', 'PC-OLD', null));
    await store.retireAgent('a-0', Date.parse('2026-11-21T00:00:00Z'));
    await store.close();
    const text = await run(['-d', dir, 'pcs']);
    expect(text.code).toBe(0);
    expect(text.out.split('\n').filter(Boolean).map((l) => l.split('  ').slice(0, 3))).toEqual([['PC-ACCT-01', 'a-1', 'Windows 11 Pro'], ['PC-ACCT-07', 'a-2', 'Windows 11 Pro']]);
    const json = JSON.parse((await run(['-d', dir, 'pcs', '--json'])).out) as { pc: string; enrolled: string; lastSeen: string | null }[];
    expect(json.map((r) => r.pc)).toEqual(['PC-ACCT-01', 'PC-ACCT-07']);
    expect(json[0]).toMatchObject({ enrolled: '2026-11-20T01:00:00.000Z', lastSeen: null });
    const all = JSON.parse((await run(['-d', dir, 'pcs', '--all', '--json'])).out) as { pc: string; retired: string | null }[];
    expect(all.find((r) => r.pc === 'PC-OLD')?.retired).toBe('2026-11-21T00:00:00.000Z');
  });
});
