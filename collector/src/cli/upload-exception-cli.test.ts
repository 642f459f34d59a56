import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databasePath } from '../data-dir.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { runCollectorCli } from './program.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('mamori-collector upload-exception commands', () => {
  it('grants, lists and revokes an upload exception; refuses a typo and an unknown category with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-upx-'));
    expect((await run(['-d', dir, 'init', '--json'])).code).toBe(0);
    const store = new SqliteStore(databasePath(dir));
    await store.createAgent({ id: 'a-1', pc: 'PC-ACCT-07', hardwareId: 'hw-1', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32, 3), enrolledMs: Date.now(), previousAgentId: null });
    await store.close();

    const typo = await run(['-d', dir, 'upload-exception', '--pc', 'PC-ACCT-7', '--domain', 'gigafile.nu', '--for', '1h']);
    expect(typo.code).not.toBe(0);
    expect(typo.err).toMatch(/PC-ACCT-07/);
    const category = await run(['-d', dir, 'upload-exception', '--pc', 'PC-ACCT-07', '--category', 'filetransfer', '--for', '1h']);
    expect(category.err).toMatch(/"filetransfer" is not a category of the current policy \(.*file_transfer/);

    const granted = await run(['-d', dir, 'upload-exception', '--pc', 'PC-ACCT-07', '--category', 'file_transfer', '--for', '2h', '--reason', 'auditor', '--json']);
    expect(granted.code, granted.err).toBe(0);
    const row = JSON.parse(granted.out) as { id: string; category: string; untilMs: number };
    expect(row.category).toBe('file_transfer');
    expect(row.untilMs - Date.now()).toBeGreaterThan(7_100_000);
    expect((await run(['-d', dir, 'upload-exceptions', '--pc', 'PC-ACCT-07'])).out).toContain(`${row.id}  PC-ACCT-07  category file_transfer`);

    const revoked = await run(['-d', dir, 'upload-exception-revoke', row.id]);
    expect(revoked.out).toBe(`upload exception ${row.id} revoked: PC-ACCT-07 back to its upload policy\n`);
    expect((await run(['-d', dir, 'upload-exceptions'])).out).toBe('no upload exceptions in force\n');
    expect((await run(['-d', dir, 'upload-exception-revoke', row.id])).err).toMatch(/already revoked/);
  });
});
