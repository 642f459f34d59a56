import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, sourceDateEpoch, type DebBuild } from '../../installers/linux/build-deb.ts';
import { startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages, haveCommands } from '../harness/system-packages.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const haveTools = ensureDebianPackages(['dpkg-dev', 'lintian'], ['dpkg-deb', 'lintian', 'dpkg-shlibdeps']);

function testRoot(name: string): string {
  const root = tempDir(name);
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  return root;
}

const dpkgInstall = (root: string, deb: string, env: Record<string, string> = {}) =>
  run('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-depends', '-i', deb], { env: { ...process.env, ...env } });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const field = async (deb: string, name: string) => (await run('dpkg-deb', ['-f', deb, name])).stdout.trim();

/** Every process's command line now (what `ps` shows any local user). */
function commandLines(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')];
    } catch {
      return [];
    }
  });
}

/**
 * What an admin installing the .debs relies on: the collector serves its console, no usbguard is pulled in, the
 * config and the secrets have the right modes, the token never shows in a process list, only the capabilities the
 * code uses, libraries declared, lintian's warnings gone, the installed CLI finds the installed data, README.Debian
 * commands exist on stock Debian, and the same commit builds identical packages (the collector is built a second
 * time for that comparison). Installs go into test roots (dpkg --root, scripts chrootless).
 */
describe.skipIf(!haveTools)('Linux packages an admin can trust', () => {
  const first: Partial<Record<'agent' | 'collector', DebBuild>> = {};
  const second: Partial<Record<'agent' | 'collector', DebBuild>> = {};
  const outA = tempDir('deb-trust-a');
  const outB = tempDir('deb-trust-b');
  const agentRoot = testRoot('deb-trust-agent');
  const collectorRoot = testRoot('deb-trust-collector');
  let collector: TestCollector;
  let child: ReturnType<typeof spawn> | undefined;

  const epochBefore = process.env.SOURCE_DATE_EPOCH;

  beforeAll(async () => {
    // One build time for every build of this suite, as for one commit (a commit made while it runs would otherwise
    // change the time the second build takes from git).
    process.env.SOURCE_DATE_EPOCH = sourceDateEpoch();
    // The collector's build goes through every step the agent's does (bundle, SEA blob, postject, strip, addons,
    // dpkg-shlibdeps, dpkg-deb) plus the console: building it a second time covers reproducibility for both. That
    // second build runs in its own process alongside the first ones (a build takes minutes on a shared machine).
    const secondBuild = run(process.execPath, ['--import', 'tsx', 'installers/linux/build-deb.ts', 'collector', outB], { cwd: repo, env: process.env, maxBuffer: 16 * 1024 * 1024 });
    for (const kind of ['agent', 'collector'] as const) first[kind] = await buildDeb(kind, outA);
    second.collector = JSON.parse((await secondBuild).stdout.trim().split('\n').at(-1)!) as DebBuild;
    collector = await startTestCollector();
  }, 1_500_000);

  afterAll(async () => {
    if (epochBefore === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = epochBefore;
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await collector?.close();
    for (const dir of [outA, outB, agentRoot, collectorRoot]) rmSync(dir, { recursive: true, force: true });
  });

  it('building the collector package twice from the same commit gives byte-identical packages (SOURCE_DATE_EPOCH, relative SEA paths)', async () => {
    for (const kind of ['collector'] as const) {
      const a = first[kind]!;
      const b = second[kind]!;
      if (sha256(a.deb) !== sha256(b.deb)) {
        // Say which files differ, not only that the packages do.
        const sums = (tree: string) => readFileSync(join(tree, 'DEBIAN/md5sums'), 'utf8');
        expect(sums(b.tree), `${kind}: file contents differ`).toBe(sums(a.tree));
        expect((await run('dpkg-deb', ['-c', b.deb])).stdout, `${kind}: file list/modes/times differ`).toBe((await run('dpkg-deb', ['-c', a.deb])).stdout);
      }
      expect(sha256(b.deb), kind).toBe(sha256(a.deb));
    }
  });

  it('declares the shared libraries its binaries need (libudev1 for usb.node, libstdc++6) and no usbguard at all', async () => {
    const depends = await field(first.agent!.deb, 'Depends');
    for (const library of ['libc6', 'libstdc++6', 'libgcc-s1', 'libudev1']) expect(depends).toMatch(new RegExp(`(^|, )${library.replace('+', '\\+')} \\(>= `));
    expect(await field(first.collector!.deb, 'Depends')).toMatch(/libstdc\+\+6 \(>= /);
    for (const deb of [first.agent!.deb, first.collector!.deb]) {
      for (const name of ['Depends', 'Pre-Depends', 'Recommends', 'Suggests']) expect(await field(deb, name), name).not.toMatch(/usbguard/);
    }
  });

  it('lintian: no errors, and of the warnings only no-manual-page (the README\'s claim)', { timeout: 300_000 }, async () => {
    for (const deb of [first.agent!.deb, first.collector!.deb]) {
      const result = await run('lintian', ['--tag-display-limit', '0', deb]).catch((error: { stdout: string }) => error);
      const tags = result.stdout.split('\n').filter((l) => /^[EW]: /.test(l)).map((l) => l.split(' ')[2]);
      expect(tags, deb).toEqual(tags.filter((t) => t === 'no-manual-page'));
    }
  });

  it('the agent unit grants only the capabilities the code uses', () => {
    const unit = readFileSync(join(first.agent!.tree, 'lib/systemd/system/mamori-agent.service'), 'utf8');
    expect(unit.match(/^CapabilityBoundingSet=(.*)$/m)?.[1]?.split(' ').sort()).toEqual(['CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']);
  });

  it('agent install: agent.yaml 0644, secrets.yaml 0600, state 0700, and the token never on a command line', { timeout: 120_000 }, async () => {
    const token = await collector.token();
    mkdirSync(join(agentRoot, 'etc/mamori'), { recursive: true });
    writeFileSync(join(agentRoot, 'etc/mamori/enroll-token'), `${token}\n`, { mode: 0o600 });
    const seen: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const line of commandLines()) if (line.includes(token)) seen.push(line);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await dpkgInstall(agentRoot, first.agent!.deb);
    watching = false;
    await watcher;
    // Enrolled (so the token was used) without it ever being visible in /proc/<pid>/cmdline.
    expect(readFileSync(join(agentRoot, 'var/lib/mamori/identity.json'), 'utf8')).toContain('agentId');
    expect(seen).toEqual([]);
    const mode = (path: string) => statSync(join(agentRoot, path)).mode & 0o777;
    expect(mode('etc/mamori/agent.yaml')).toBe(0o644);
    expect(mode('etc/mamori/secrets.yaml')).toBe(0o600);
    expect(mode('var/lib/mamori')).toBe(0o700);
    expect(readFileSync(join(agentRoot, 'etc/mamori/secrets.yaml'), 'utf8')).toMatch(/^# Secrets for \/etc\/mamori\/agent\.yaml/);
  });

  it('collector install: serves its console (no source maps), binds it to loopback, and the CLI finds the installed data dir', { timeout: 120_000 }, async () => {
    const listing = (await run('dpkg-deb', ['-c', first.collector!.deb])).stdout;
    expect(listing).toMatch(/\.\/usr\/lib\/mamori-collector\/console\/dist\/index\.html$/m);
    expect(listing).not.toMatch(/\.map$/m);
    await dpkgInstall(collectorRoot, first.collector!.deb, { MAMORI_ADVERTISE: 'collector.test:7443' });
    const data = join(collectorRoot, 'var/lib/mamori-collector');
    expect(readFileSync(join(data, 'collector.yaml'), 'utf8')).toMatch(/^http:\n(?: {2}.*\n)* {2}host: 127\.0\.0\.1$/m);

    const executable = join(collectorRoot, 'usr/bin/mamori-collector');
    child = spawn(executable, ['--data-dir', data, 'start', '--grpc-port', '0', '--http-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.includes('consoleUrl'), 30_000, 'collector listening');
    const { consoleUrl } = JSON.parse(out.split('\n')[0]!) as { consoleUrl: string };
    expect(consoleUrl).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):/);
    const page = await (await fetch(consoleUrl)).text();
    expect(page).toMatch(/<div id="root"><\/div>/);
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(page)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(new URL(script!, consoleUrl));
    expect(asset.status).toBe(200);
    expect(await asset.text()).not.toMatch(/sourceMappingURL/);
    child.kill('SIGTERM');

    // Without -d the installed CLI looks where the unit keeps its data (not ./.mamori/collector in the cwd).
    const cwd = tempDir('deb-trust-cwd');
    const noFlag = await run(executable, ['pcs'], { cwd, env: { ...process.env, MAMORI_COLLECTOR_DATA: '' } }).catch((error: { stderr: string }) => error);
    expect(noFlag.stderr).toMatch(/dpkg-reconfigure mamori-collector.*: \/var\/lib\/mamori-collector$/m);
    expect(noFlag.stderr).not.toMatch(/\.mamori|run `mamori-collector init`/);
    expect((await run(executable, ['-d', data, 'pcs'])).stdout).toBe('(no PCs enrolled)\n');

    // README.Debian's one line that opens the console to the network does so on the file the install wrote.
    const readme = readFileSync(join(first.collector!.tree, 'usr/share/doc/mamori-collector/README.Debian'), 'utf8');
    const open = readme.split('\n').map((l) => l.trim()).find((l) => l.startsWith('sed -i '))!;
    await run('sh', ['-c', open.replaceAll('/var/lib/mamori-collector', data)]);
    expect(readFileSync(join(data, 'collector.yaml'), 'utf8')).toMatch(/^http:\n(?: {2}.*\n)* {2}host: 0\.0\.0\.0$/m);
  });

  it('README.Debian commands use only programs a stock Debian has (no sudo) and the CLIs\' real commands', async () => {
    const lines = (['agent', 'collector'] as const).flatMap((kind) => readFileSync(join(first[kind]!.tree, `usr/share/doc/mamori-${kind}/README.Debian`), 'utf8')
      .split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.replace(/\s+#.*$/, '').trim()));
    const programs = new Set(lines.flatMap((l) => l.split(/\s*(?:\||&&|;)\s*/)).map((c) => c.replace(/^(?:\w+=\S+\s+)+/, '').split(/\s+/)[0]!));
    expect(programs.has('sudo')).toBe(false);
    // usbguard: only for admins who install it themselves; ssh: run on the admin's own PC.
    for (const program of [...programs].filter((p) => !p.startsWith('mamori-') && p !== 'usbguard' && p !== 'ssh')) {
      expect(haveCommands([program]), `${program} on this Debian`).toBe(true);
    }
    const collectorCli = join(first.collector!.tree, 'usr/lib/mamori-collector/mamori-collector');
    const collectorCommands = lines.filter((l) => l.startsWith('mamori-collector ')).map((l) => l.split(' ')[1]!);
    expect(collectorCommands.sort()).toEqual(['pcs', 'token']);
    for (const command of collectorCommands) await run(collectorCli, [command, '--help']);
    const enrollHelp = (await run(join(first.agent!.tree, 'usr/lib/mamori-agent/mamori-agent'), ['enroll', '--help'])).stdout;
    expect(enrollHelp).toContain('--token-file');
  });
});
