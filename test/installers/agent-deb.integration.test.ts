import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeEvent } from '@mamori/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, type DebBuild } from '../../installers/linux/build-deb.ts';
import { startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const run = promisify(execFile);
const haveTools = ensureDebianPackages(['dpkg-dev', 'lintian'], ['dpkg-deb', 'lintian']);

/** A dpkg database in an empty folder: the package is installed there, maintainer scripts run chrootless. */
function testRoot(): string {
  const root = tempDir('deb-root');
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  return root;
}

function dpkg(root: string, args: string[], env: Record<string, string> = {}) {
  return run('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-depends', ...args], { env: { ...process.env, ...env } });
}

/** The unit's [Service] settings as key → values. */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

/**
 * The agent's .deb: built with dpkg-deb, clean under lintian, and installed into a test root where its maintainer
 * scripts enroll with the token, enable the unit, the unit's command runs the agent, removal needs the admin's
 * code and records UNINSTALLED at the collector, and purge removes the state.
 */
describe.skipIf(!haveTools)('agent .deb', () => {
  let built: DebBuild;
  let collector: TestCollector;
  const root = testRoot();
  const outDir = tempDir('deb-out');

  beforeAll(async () => {
    built = await buildDeb('agent', outDir);
    collector = await startTestCollector();
  }, 240_000);

  afterAll(async () => {
    await collector?.close();
    // The package and its staging tree are ~200 MB: do not leave them behind.
    rmSync(outDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('passes lintian without errors', { timeout: 300_000 }, async () => {
    const result = await run('lintian', ['--tag-display-limit', '0', built.deb]).catch((error: { stdout: string; code: number }) => error);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('E:'))).toEqual([]);
  });

  it('ships the single executable, its addons, the unit, the config and the maintainer scripts', async () => {
    const fields = (await run('dpkg-deb', ['-f', built.deb, 'Package', 'Architecture', 'Depends'])).stdout;
    expect(fields).toContain('Package: mamori-agent');
    expect(fields).toMatch(/Depends: debconf/);
    const listing = (await run('dpkg-deb', ['-c', built.deb])).stdout;
    for (const [mode, path] of [
      ['-rwxr-xr-x', './usr/lib/mamori-agent/mamori-agent'], ['-rw-r--r--', './usr/lib/mamori-agent/better_sqlite3.node'],
      ['-rw-r--r--', './usr/lib/mamori-agent/usb.node'], ['-rw-r--r--', './usr/lib/mamori-agent/lib/mail-relay.cjs'],
      ['-rw-r--r--', './lib/systemd/system/mamori-agent.service'],
      ['-rw-r--r--', './etc/mamori/agent.yaml'], ['-rw-r--r--', './usr/share/doc/mamori-agent/copyright'],
    ] as const) {
      expect(listing).toMatch(new RegExp(`^${mode.replace(/-/g, '\\-')} root/root .* ${path.replace(/\./g, '\\.')}$`, 'm'));
    }
    expect(listing).toMatch(/\.\/usr\/bin\/mamori-agent -> \.\.\/lib\/mamori-agent\/mamori-agent/);
    const control = join(built.tree, 'DEBIAN');
    expect(readFileSync(join(control, 'conffiles'), 'utf8').trim()).toBe('/etc/mamori/agent.yaml');
    for (const script of ['postinst', 'prerm', 'postrm', 'config']) {
      expect(statSync(join(control, script)).mode & 0o777).toBe(0o755);
      await run('sh', ['-n', join(control, script)]);
    }
  });

  it('has a systemd unit that runs the agent as root, restarts on failure and is hardened without hiding mounts', async () => {
    const unit = unitSettings(readFileSync(join(built.tree, 'lib/systemd/system/mamori-agent.service'), 'utf8'));
    expect(unit.get('ExecStart')).toEqual(['/usr/bin/mamori-agent --state-dir /var/lib/mamori --config /etc/mamori/agent.yaml run']);
    expect(unit.get('User')).toEqual(['root']);
    expect(unit.get('Restart')).toEqual(['on-failure']);
    expect(unit.get('WantedBy')).toEqual(['multi-user.target']);
    for (const key of ['NoNewPrivileges', 'RestrictNamespaces', 'LockPersonality', 'RestrictSUIDSGID', 'SystemCallFilter', 'CapabilityBoundingSet']) {
      expect(unit.has(key), key).toBe(true);
    }
    // Device control remounts users' sticks: nothing may give the service a private mount namespace.
    for (const key of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'ReadWritePaths', 'ProtectKernelTunables']) {
      expect(unit.has(key), key).toBe(false);
    }
    if (existsSync('/usr/bin/systemd-analyze')) {
      const verify = await run('systemd-analyze', ['verify', '--man=no', join(built.tree, 'lib/systemd/system/mamori-agent.service')])
        .catch((error: { stderr: string }) => error);
      // The unit's binary is not installed on this machine; anything else (unknown keys, bad values) is an error.
      const problems = verify.stderr.split('\n').filter((l) => l.trim() && !/Command \/usr\/bin\/mamori-agent is not executable/.test(l));
      expect(problems).toEqual([]);
    }
  });

  it('installs into a test root: enrolls with the token file, enables the unit, and the unit command runs the agent', { timeout: 120_000 }, async () => {
    mkdirSync(join(root, 'etc/mamori'), { recursive: true });
    writeFileSync(join(root, 'etc/mamori/enroll-token'), `${await collector.token()}\n`, { mode: 0o600 });
    await dpkg(root, ['-i', built.deb]);
    expect((await run('dpkg', [`--root=${root}`, '-s', 'mamori-agent'])).stdout).toMatch(/Status: install ok installed/);

    const state = join(root, 'var/lib/mamori');
    expect(statSync(state).mode & 0o777).toBe(0o700);
    const identity = JSON.parse(readFileSync(join(state, 'identity.json'), 'utf8')) as { agentId: string };
    expect(existsSync(join(root, 'etc/mamori/enroll-token'))).toBe(false);
    const wants = join(root, 'etc/systemd/system/multi-user.target.wants/mamori-agent.service');
    expect(lstatSync(wants).isSymbolicLink()).toBe(true);
    expect(readlinkSync(wants)).toBe('/lib/systemd/system/mamori-agent.service');

    // What systemd would run (paths under the test root). The admin's config: no enforcement on this shared machine.
    writeFileSync(join(root, 'etc/mamori/agent.yaml'), 'local: { port: 0 }\nsensors: { usb: { enforcement: "off" }, mail: { enabled: false } }\n');
    const agent = spawn(join(root, 'usr/bin/mamori-agent'), ['--state-dir', state, '--config', join(root, 'etc/mamori/agent.yaml'), 'run'], { stdio: 'ignore' });
    const kinds = () => (collector.app.store.db.prepare('SELECT bytes FROM events WHERE agent_id = ? ORDER BY seq').all(identity.agentId) as { bytes: Buffer }[])
      .map((r) => decodeEvent(r.bytes)).map((e) => e.lifecycle?.kind ?? e.payload);
    await waitFor(() => kinds().includes('inventory'), 60_000, 'events from the installed agent');
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    await waitFor(() => kinds().includes('STOPPED'), 20_000, 'STOPPED');
  });

  it('refuses removal without the uninstall code, records UNINSTALLED when removed, and purge removes the state', { timeout: 120_000 }, async () => {
    const code = 'let-me-remove-it';
    writeFileSync(join(root, 'etc/mamori/uninstall-code.sha256'), `${createHash('sha256').update(code).digest('hex')}  -\n`);
    const refused = await dpkg(root, ['-r', 'mamori-agent']).then(() => 'removed', (error: { stderr: string }) => error.stderr);
    expect(refused).toMatch(/needs the uninstall code/);
    expect(existsSync(join(root, 'usr/lib/mamori-agent/mamori-agent'))).toBe(true);

    const agentId = (JSON.parse(readFileSync(join(root, 'var/lib/mamori/identity.json'), 'utf8')) as { agentId: string }).agentId;
    await dpkg(root, ['-r', 'mamori-agent'], { MAMORI_UNINSTALL_CODE: code });
    expect(existsSync(join(root, 'usr/lib/mamori-agent/mamori-agent'))).toBe(false);
    expect(existsSync(join(root, 'etc/mamori/agent.yaml'))).toBe(true);
    const lifecycle = (collector.app.store.db.prepare("SELECT bytes FROM events WHERE agent_id = ? AND kind = 'lifecycle' ORDER BY seq").all(agentId) as { bytes: Buffer }[])
      .map((r) => decodeEvent(r.bytes).lifecycle!);
    expect(lifecycle.find((l) => l.kind === 'UNINSTALLED')?.detail).toMatch(/package removed/);
    // …and the collector raises it, as it raised the stop before.
    const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
    const cookie = `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`;
    const raised = async () => ((await collector.app.http.inject({ method: 'GET', url: '/api/alerts?limit=100', headers: { cookie } })).json() as { alerts: { ruleId: string; pc: string }[] }).alerts;
    await waitFor(async () => (await raised()).some((a) => a.ruleId === 'agent_uninstalled'), 20_000, 'agent_uninstalled alert');
    expect((await raised()).map((a) => a.ruleId)).toEqual(expect.arrayContaining(['agent_stopped', 'agent_uninstalled']));

    await dpkg(root, ['-P', 'mamori-agent']);
    expect(existsSync(join(root, 'var/lib/mamori'))).toBe(false);
    expect(existsSync(join(root, 'etc/mamori'))).toBe(false);
  });
});
