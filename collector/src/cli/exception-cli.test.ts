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

/** A data dir with two enrolled PCs. */
async function dataDirWithPcs(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-exc-'));
  expect((await run(['-d', dir, 'init', '--json'])).code).toBe(0);
  const store = new SqliteStore(databasePath(dir));
  for (const pc of ['PC-ACCT-07', 'PC-RECEPTION-1']) {
    await store.createAgent({ id: `a-${pc}`, pc, hardwareId: `hw-${pc}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32, 3), enrolledMs: Date.now(), previousAgentId: null });
  }
  await store.close();
  return dir;
}

describe('mamori-collector exception commands', () => {
  it('refuses a mistyped PC name with a suggestion, for exceptions and unlock codes', async () => {
    const dir = await dataDirWithPcs();
    const typo = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-7', '--for', '1h']);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/no PC named PC-ACCT-7; did you mean PC-ACCT-07\?/);
    const far = await run(['-d', dir, 'exception', '--pc', 'NOPE', '--for', '1h']);
    expect(far.code).toBe(1);
    expect(far.err).not.toMatch(/did you mean/);
    const code = await run(['-d', dir, 'unlock-code', '--pc', 'PC-RECEPTON-1']);
    expect(code.code).toBe(1);
    expect(code.err).toMatch(/did you mean PC-RECEPTION-1\?/);
  });

  it('refuses --until already past today unless --tomorrow, and prints the end in local time', async () => {
    const dir = await dataDirWithPcs();
    const past = new Date(Date.now() - 60_000);
    // Just after midnight "a minute ago" is yesterday's clock time, which would be in the future today: skip that minute.
    if (past.getDate() === new Date().getDate()) {
      const hhmm = `${String(past.getHours()).padStart(2, '0')}:${String(past.getMinutes()).padStart(2, '0')}`;
      const refused = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-07', '--until', hhmm]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(new RegExp(`--until ${hhmm} is already past .*add --tomorrow`));
      const tomorrow = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-07', '--until', hhmm, '--tomorrow']);
      expect(tomorrow.code).toBe(0);
      const expected = new Date(past);
      expected.setDate(expected.getDate() + 1);
      const two = (n: number) => String(n).padStart(2, '0');
      expect(tomorrow.out).toContain(`until ${expected.getFullYear()}-${two(expected.getMonth() + 1)}-${two(expected.getDate())} ${hhmm} (${Intl.DateTimeFormat().resolvedOptions().timeZone})`);
    }
  });

  it('reads and prints --until in the organisation time zone from the settings page, not this machine zone', async () => {
    const dir = await dataDirWithPcs();
    // A zone far from any test machine's: 17:00 there is not 17:00 here.
    const zone = 'Pacific/Kiritimati';
    const store = new SqliteStore(databasePath(dir));
    await store.repos.settings.put('timeZone', zone, 'admin', Date.now());
    await store.close();
    const granted = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-07', '--until', '17:00', '--tomorrow', '--json']);
    expect(granted.code).toBe(0);
    const { untilMs } = JSON.parse(granted.out) as { untilMs: number };
    const wall = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(untilMs);
    expect(wall).toBe('17:00');
    expect(untilMs - Date.now()).toBeGreaterThan(0);
    expect(untilMs - Date.now()).toBeLessThan(2 * 86_400_000);
    const text = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-07', '--until', '17:00', '--tomorrow']);
    expect(text.out).toMatch(/until \d{4}-\d{2}-\d{2} 17:00 \(Pacific\/Kiritimati\)/);
  });

  it('revokes an exception by id once; a second revoke or an unknown id is an error', async () => {
    const dir = await dataDirWithPcs();
    const granted = await run(['-d', dir, 'exception', '--pc', 'PC-ACCT-07', '--for', '2h', '--reason', 'mistake', '--json']);
    expect(granted.code).toBe(0);
    const { id } = JSON.parse(granted.out) as { id: string };
    const revoked = await run(['-d', dir, 'exception-revoke', id]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toBe(`exception ${id} revoked: PC-ACCT-07 back to its device policy\n`);
    const store = new SqliteStore(databasePath(dir));
    expect(await store.activeDeviceExceptions('PC-ACCT-07', Date.now())).toEqual([]);
    expect((await store.listAudit(3)).map((a) => a.action)).toContain('device_exception.revoke');
    await store.close();
    const again = await run(['-d', dir, 'exception-revoke', id]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already revoked/);
    expect((await run(['-d', dir, 'exception-revoke', 'exc_nope'])).err).toMatch(/no exception with id exc_nope/);
  });
});
