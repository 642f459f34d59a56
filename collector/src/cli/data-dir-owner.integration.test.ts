import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

  beforeAll(() => {
    chmodSync(base, 0o755);
    // As the package leaves it for its postinst: an empty folder of the service user's, 0700.
    execFileSync('mkdir', ['-m', '700', dataDir, appRoot]);
    chmodSync(appRoot, 0o755);
    execFileSync('chown', ['nobody:nogroup', dataDir]);
    writeFileSync(join(appRoot, 'data-dir'), `${dataDir}\n`);
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('as root, without -d, acts as the owner of the declared data dir: every file it creates there is the service user\'s', { timeout: 60_000 }, async () => {
    // SQLite gives its own WAL/SHM files the database's owner and the evidence key is chowned where it is made, but
    // the CLI's other files are written by whoever runs it: init's CA, keys, config and database here.
    const { stdout } = await run(process.execPath, [cli, 'init', '--json'], { env, cwd: base });
    expect(JSON.parse(stdout)).toMatchObject({ dataDir, admin: 'admin' });
    const owner = statSync(dataDir).uid;
    expect(owner).not.toBe(0);
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['ca.key', 'collector.db', 'collector.yaml', 'server.key']));
    expect(files.map((file) => ({ file, uid: statSync(join(dataDir, file)).uid }))).toEqual(files.map((file) => ({ file, uid: owner })));
  });

  it('as another user, says who may read the folder (no suggestion to init a second collector)', { timeout: 60_000 }, async () => {
    const failed = await run('runuser', ['-u', 'daemon', '--', process.execPath, cli, 'pcs'], { env, cwd: base }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^mamori-collector: cannot read the data dir: run this as root or as its owner: .* \(e\.g\. runuser -u nobody -- mamori-collector …\)\n$/);
    expect(failed?.stderr).not.toMatch(/init/);
  });
});
