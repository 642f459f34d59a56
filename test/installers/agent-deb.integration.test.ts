import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
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

/** What the journal in a state folder still holds (seq and kind of each unsent event); read-only, the agent may run. */
function journalRows(state: string): { seq: number; kind: string }[] {
  const db = new Database(join(state, 'journal.db'), { readonly: true, fileMustExist: true });
  try {
    // The agent creates the table just after the file: until then there is nothing journaled.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'").get()) return [];
    return (db.prepare('SELECT seq, bytes FROM journal ORDER BY seq').all() as { seq: number; bytes: Buffer }[]).map((row) => {
      const event = decodeEvent(row.bytes);
      return { seq: row.seq, kind: event.lifecycle?.kind ?? event.payload ?? '' };
    });
  } finally {
    db.close();
  }
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
 * code and records UNINSTALLED at the collector, and purge removes the state once everything was delivered. With the
 * collector down, removal and purge keep the journal (and say so) and a reinstall delivers it; discarding it needs
 * the uninstall code and is recorded. The tests run in order on one test root and one build.
 */
describe.skipIf(!haveTools)('agent .deb', () => {
  let built: DebBuild;
  let collector: TestCollector;
  const root = testRoot();
  const outDir = tempDir('deb-out');
  let collectorUp = false;
  const code = 'let-me-remove-it';
  const state = join(root, 'var/lib/mamori');
  /** The collector comes back on the same address with the same data, as after an outage. */
  const restartCollector = async () => {
    collector = await startTestCollector({ dataDir: collector.dataDir, grpcPort: collector.grpcPort, adminPassword: collector.adminPassword });
    collectorUp = true;
  };
  const stopCollector = async () => {
    await collector.close();
    collectorUp = false;
  };
  /** Integrity findings about an agent's evidence; re_enrolled only says this test root enrolled the same PC before. */
  const evidenceFindings = async (agentId: string) => (await collector.app.store.listIntegrityFindings(agentId)).map((f) => f.kind).filter((k) => k !== 're_enrolled');
  const storedSeqs = (agentId: string) => (collector.app.store.db.prepare('SELECT seq FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { seq: number }[])
    .map((r) => r.seq);
  /** Runs the installed agent (the unit's command) until it journaled its inventory, then stops it (STOPPED). */
  const runInstalledAgent = async () => {
    // The admin's config: no enforcement on this shared machine, no mail relay.
    writeFileSync(join(root, 'etc/mamori/agent.yaml'), 'local: { port: 0 }\nsensors: { usb: { enforcement: "off" }, mail: { enabled: false } }\n');
    const agent = spawn(join(root, 'usr/bin/mamori-agent'), ['--state-dir', state, '--config', join(root, 'etc/mamori/agent.yaml'), 'run'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    await waitFor(() => existsSync(join(state, 'journal.db')) && journalRows(state).some((r) => r.kind === 'inventory'), 60_000, 'inventory journaled');
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
  };

  beforeAll(async () => {
    built = await buildDeb('agent', outDir);
    collector = await startTestCollector();
    collectorUp = true;
  }, 600_000);

  afterAll(async () => {
    if (collectorUp) await collector?.close();
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
  it('removed and purged while the collector is down: the journal is kept (identity and key too) and both steps say so', { timeout: 180_000 }, async () => {
    mkdirSync(join(root, 'etc/mamori'), { recursive: true });
    writeFileSync(join(root, 'etc/mamori/enroll-token'), `${await collector.token()}\n`, { mode: 0o600 });
    writeFileSync(join(root, 'etc/mamori/uninstall-code.sha256'), `${createHash('sha256').update(code).digest('hex')}  -\n`);
    await dpkg(root, ['-i', built.deb]);
    await stopCollector();
    await runInstalledAgent();

    const removed = await dpkg(root, ['-r', 'mamori-agent'], { MAMORI_UNINSTALL_CODE: code, MAMORI_DRAIN_TIMEOUT: '3' });
    expect(removed.stderr).toMatch(/delivering the journal: \d+ events left \(collector not reachable yet\)/);
    expect(removed.stderr).toMatch(/NOT DELIVERED: \d+ events \(seq 1\.\.\d+\): the collector at localhost:\d+ was not reachable.*KEPT in .*journal\.db/);
    const purged = await dpkg(root, ['-P', 'mamori-agent']);
    expect(purged.stderr).toMatch(/purge KEEPS \/var\/lib\/mamori: its journal holds events the collector has not received/);
    expect((await run('dpkg', [`--root=${root}`, '-s', 'mamori-agent']).then(() => 'known', () => 'unknown'))).toBe('unknown');
    for (const file of ['journal.db', 'identity.json', 'agent.key']) expect(existsSync(join(state, file)), file).toBe(true);
    expect(existsSync(join(root, 'etc/mamori/uninstall-code.sha256'))).toBe(true);

    const kept = journalRows(state);
    expect(kept.map((r) => r.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
    expect(kept.map((r) => r.kind)).toEqual(expect.arrayContaining(['STARTED', 'inventory', 'STOPPED']));
    expect(kept.at(-1)!.kind).toBe('UNINSTALLED');
  });

  it('a reinstall with the collector back delivers every kept event exactly once, UNINSTALLED included', { timeout: 180_000 }, async () => {
    const agentId = (JSON.parse(readFileSync(join(state, 'identity.json'), 'utf8')) as { agentId: string }).agentId;
    const kept = journalRows(state);
    await restartCollector();
    const reinstalled = await dpkg(root, ['-i', built.deb], { MAMORI_DRAIN_TIMEOUT: '30' });
    expect(reinstalled.stderr).toMatch(/holds events kept from an earlier removal/);
    expect(reinstalled.stderr).toMatch(/drained: the collector has every event up to seq \d+/);
    // Same identity (no new enrollment), every kept event stored once, in order, nothing left behind.
    expect((JSON.parse(readFileSync(join(state, 'identity.json'), 'utf8')) as { agentId: string }).agentId).toBe(agentId);
    expect(storedSeqs(agentId)).toEqual(kept.map((r) => r.seq));
    const last = collector.app.store.db.prepare('SELECT bytes FROM events WHERE agent_id = ? AND seq = ?').get(agentId, kept.at(-1)!.seq) as { bytes: Buffer };
    expect(decodeEvent(last.bytes).lifecycle?.kind).toBe('UNINSTALLED');
    expect(journalRows(state)).toEqual([]);
    expect(existsSync(join(state, 'uninstall-outcome'))).toBe(false);
    expect(await evidenceFindings(agentId)).toEqual([]);
  });

  it('--discard-unsent with the uninstall code deletes what is unsent and records the discard at the collector', { timeout: 180_000 }, async () => {
    const agentId = (JSON.parse(readFileSync(join(state, 'identity.json'), 'utf8')) as { agentId: string }).agentId;
    const before = storedSeqs(agentId).at(-1)!;
    await stopCollector();
    await runInstalledAgent();
    const unsent = journalRows(state);
    expect(unsent[0]!.seq).toBe(before + 1);
    await restartCollector();

    // The choice without the code is refused and nothing is deleted.
    const refused = await dpkg(root, ['-P', 'mamori-agent'], { MAMORI_DISCARD_UNSENT: 'yes' }).then(() => 'purged', (error: { stderr: string }) => error.stderr);
    expect(refused).toMatch(/needs the uninstall code/);
    expect(journalRows(state)).toEqual(unsent);

    // With the code, and no time given to deliver: the unsent range is deleted, the choice is recorded and sent.
    const purged = await dpkg(root, ['-P', 'mamori-agent'], { MAMORI_DISCARD_UNSENT: 'yes', MAMORI_UNINSTALL_CODE: code, MAMORI_DRAIN_TIMEOUT: '0' });
    const uninstalledSeq = unsent.at(-1)!.seq + 1;
    expect(purged.stderr).toMatch(new RegExp(`DISCARDED ${uninstalledSeq - before} events \\(seq ${before + 1}\\.\\.${uninstalledSeq}\\).*recorded as event ${uninstalledSeq + 1}, delivered to the collector`));
    expect(existsSync(state)).toBe(false);
    expect(existsSync(join(root, 'etc/mamori'))).toBe(false);

    // The collector holds what it had, then the declared discard: no event of the discarded range, one finding, one alert.
    expect(storedSeqs(agentId)).toEqual([...Array.from({ length: before }, (_, i) => i + 1), uninstalledSeq + 1]);
    const record = collector.app.store.db.prepare('SELECT bytes FROM events WHERE agent_id = ? AND seq = ?').get(agentId, uninstalledSeq + 1) as { bytes: Buffer };
    expect(decodeEvent(record.bytes).lifecycle).toMatchObject({ kind: 'UNSENT_DISCARDED', droppedFromSeq: before + 1, droppedToSeq: uninstalledSeq });
    expect(await evidenceFindings(agentId)).toEqual(['unsent_discarded']);
    const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
    const cookie = `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`;
    await waitFor(async () => ((await collector.app.http.inject({ method: 'GET', url: '/api/alerts?limit=100', headers: { cookie } })).json() as { alerts: { ruleId: string }[] })
      .alerts.some((a) => a.ruleId === 'unsent_discarded'), 20_000, 'unsent_discarded alert');
  });
});
