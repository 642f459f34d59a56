import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, type DebBuild } from '../../installers/linux/build-deb.ts';
import { tempDir, waitFor } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const run = promisify(execFile);
const haveTools = ensureDebianPackages(['dpkg-dev', 'lintian'], ['dpkg-deb', 'lintian']);

/** The collector's .deb: lintian-clean, a hardened unit, and a first install that initialises the data folder. */
describe.skipIf(!haveTools)('collector .deb', () => {
  let built: DebBuild;
  const root = tempDir('deb-collector-root');
  const outDir = tempDir('deb-collector-out');
  let child: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    built = await buildDeb('collector', outDir);
    mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
    mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
    writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  }, 240_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(outDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('passes lintian without errors', { timeout: 300_000 }, async () => {
    const result = await run('lintian', ['--tag-display-limit', '0', built.deb]).catch((error: { stdout: string }) => error);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('E:'))).toEqual([]);
  });

  it('has a unit that runs as its own user with the system locked away', () => {
    const unit = readFileSync(join(built.tree, 'lib/systemd/system/mamori-collector.service'), 'utf8');
    expect(unit).toMatch(/^User=mamori-collector$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/mamori-collector --data-dir \/var\/lib\/mamori-collector start$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    for (const key of ['ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=']) {
      expect(unit).toMatch(new RegExp(`^${key}$`, 'm'));
    }
  });

  it('initialises the data folder on install and the installed executable serves the console', { timeout: 120_000 }, async () => {
    await run('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-depends', '-i', built.deb], { env: { ...process.env, MAMORI_ADVERTISE: 'collector.test:7443' } });
    const data = join(root, 'var/lib/mamori-collector');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    const admin = JSON.parse(readFileSync(join(data, 'initial-admin.json'), 'utf8')) as { password: string };
    expect(admin.password.length).toBeGreaterThan(10);
    expect(statSync(join(data, 'initial-admin.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(data, 'collector.yaml'), 'utf8')).toContain('collector.test:7443');

    child = spawn(join(root, 'usr/bin/mamori-collector'), ['--data-dir', data, 'start', '--grpc-port', '0', '--http-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitFor(() => out.includes('consoleUrl'), 30_000, 'collector listening');
    const { consoleUrl } = JSON.parse(out.split('\n')[0]!) as { consoleUrl: string };
    // Until the admin opens it up (README.Debian), the installed collector's console listens on loopback: plain HTTP.
    expect(consoleUrl).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+\/$/);
    const response = await fetch(new URL('/api/session', consoleUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: admin.password }) });
    const login = { status: response.status, body: await response.text() };
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body)).toMatchObject({ username: 'admin', role: 'admin' });
    // Its batch-check worker thread runs from files installed beside the executable: it said nothing about
    // failing to start (it would, within milliseconds, and fall back to the main thread).
    expect(err).not.toMatch(/batch check/);
  });
});
