import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorCli } from './program.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/mamori-collector.js', import.meta.url));
// Needs root (chown, runuser); with CI=true it runs, and fails, rather than skip when it is not root.
const isRoot = process.getuid?.() === 0;

/**
 * The installed collector's data dir belongs to its service user (here `nobody` stands in for mamori-collector) and is
 * declared by a `data-dir` file beside the executable (here in MAMORI_APP_ROOT). The CLI runs in a child process: the
 * switch to the owner cannot be undone, so it must not happen inside the test runner.
 */
describe.skipIf(!isRoot && process.env.CI !== 'true')('mamori-collector CLI on the installed data dir (root)', () => {
  const base = mkdtempSync(join(tmpdir(), 'cli-installed-'));
  const dataDir = join(base, 'var-lib-mamori-collector');
  const appRoot = join(base, 'usr-lib-mamori-collector');
  const env = { ...process.env, MAMORI_APP_ROOT: appRoot, MAMORI_COLLECTOR_DATA: '' };

  beforeAll(async () => {
    chmodSync(base, 0o755);
    expect(await runCollectorCli(['-d', dataDir, 'init', '--json'], { out: () => {}, err: () => {} })).toBe(0);
    execFileSync('chown', ['-R', 'nobody:nogroup', dataDir]);
    execFileSync('mkdir', ['-m', '755', appRoot]);
    writeFileSync(join(appRoot, 'data-dir'), `${dataDir}\n`);
  }, 60_000);

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('as root, without -d, works on the declared data dir as its owner: what it creates belongs to the service user', { timeout: 60_000 }, async () => {
    // The evidence key is created on first use: whoever runs the command owns the new file.
    rmSync(join(dataDir, 'evidence-signing.key'));
    const { stdout } = await run(process.execPath, [cli, 'evidence-key', '--json'], { env, cwd: base });
    expect(JSON.parse(stdout)).toMatchObject({ algorithm: 'Ed25519' });
    const key = statSync(join(dataDir, 'evidence-signing.key'));
    expect({ uid: key.uid, mode: key.mode & 0o777 }).toEqual({ uid: statSync(dataDir).uid, mode: 0o600 });
    expect(key.uid).not.toBe(0);
  });

  it('as another user, says who may read the folder (no suggestion to init a second collector)', { timeout: 60_000 }, async () => {
    const failed = await run('runuser', ['-u', 'daemon', '--', process.execPath, cli, 'pcs'], { env, cwd: base }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^mamori-collector: cannot read the data dir: run this as root or as its owner: .* \(e\.g\. runuser -u nobody -- mamori-collector …\)\n$/);
    expect(failed?.stderr).not.toMatch(/init/);
  });
});
