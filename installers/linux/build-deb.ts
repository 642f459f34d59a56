/**
 * Builds mamori-agent_<version>_<arch>.deb and mamori-collector_<version>_<arch>.deb with dpkg-deb from the
 * single executables (installers/sea) and the files in installers/linux/{agent,collector}. No debhelper: the
 * tree is laid out here, maintainer scripts are written by hand with the same systemd steps dh_installsystemd
 * generates, and lintian checks the result (see README).
 *
 * Reproducible: the same commit builds byte-identical packages (SOURCE_DATE_EPOCH = the commit's time, or the
 * environment's, clamps every file time and dates the archive; see installers/README.md).
 *
 * Usage: tsx installers/linux/build-deb.ts agent|collector|all [outDir]
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSea, seaSpecs } from '../sea/build-sea.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

export type DebKind = 'agent' | 'collector';

export interface DebBuild {
  deb: string;
  /** The staging tree the package was built from (kept for inspection). */
  tree: string;
}

function version(): string {
  return (JSON.parse(readFileSync(join(repo, 'agent/package.json'), 'utf8')) as { version: string }).version;
}

function debArch(): string {
  return execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
}

/** SOURCE_DATE_EPOCH from the environment, else the last commit's time (reproducible-builds.org's convention). */
export function sourceDateEpoch(): string {
  if (process.env.SOURCE_DATE_EPOCH && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH)) return process.env.SOURCE_DATE_EPOCH;
  try {
    return execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    throw new Error('set SOURCE_DATE_EPOCH (no git history to take the build time from)');
  }
}

/**
 * The package's Depends on shared libraries, as Debian computes them: dpkg-shlibdeps over every ELF file shipped
 * (the executable and the addons: libc6, libstdc++6, libgcc-s1, and libudev1 for usb.node).
 */
function sharedLibraryDepends(elfFiles: string[]): string {
  const work = mkdtempSync(join(tmpdir(), 'mamori-shlibdeps-'));
  try {
    mkdirSync(join(work, 'debian'));
    writeFileSync(join(work, 'debian/control'), 'Source: mamori\n\nPackage: mamori\nArchitecture: any\n');
    const out = execFileSync('dpkg-shlibdeps', ['-O', ...elfFiles.map((f) => `-e${f}`)], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const depends = /^shlibs:Depends=(.*)$/m.exec(out)?.[1];
    if (!depends) throw new Error(`dpkg-shlibdeps printed no shlibs:Depends: ${out}`);
    return depends;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function isScript(file: string): boolean {
  return readFileSync(file).subarray(0, 2).toString('latin1') === '#!';
}

function changelog(name: string, ver: string, epoch: string): Buffer {
  const date = new Date(Number(epoch) * 1000).toUTCString().replace('GMT', '+0000');
  const text = `${name} (${ver}) unstable; urgency=medium\n\n  * Release ${ver}.\n\n -- Mamori maintainers <mamori@example.org>  ${date}\n`;
  // -n equivalent: no name or time in the gzip header, so builds are reproducible.
  return gzipSync(Buffer.from(text), { level: 9 });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Normalises modes the way lintian expects: dirs 0755, files 0644, executables 0755. */
function normaliseModes(dir: string, executables: Set<string>): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) normaliseModes(path, executables);
    else if (entry.isFile()) chmodSync(path, executables.has(path) ? 0o755 : 0o644);
  }
}

function installedSizeKb(tree: string): number {
  return Math.ceil(walk(tree).filter((f) => !f.includes('/DEBIAN/')).reduce((sum, f) => sum + statSync(f).size, 0) / 1024);
}

export async function buildDeb(kind: DebKind, outDir: string): Promise<DebBuild> {
  const spec = seaSpecs[kind];
  const name = spec.name;
  const ver = version();
  const arch = debArch();
  const tree = join(outDir, `${name}_${ver}_${arch}`);
  rmSync(tree, { recursive: true, force: true });
  const libDir = join(tree, 'usr/lib', name);
  const sea = await buildSea(spec, libDir);
  const source = join(here, kind);

  mkdirSync(join(tree, 'usr/bin'), { recursive: true });
  symlinkSync(`../lib/${name}/${name}`, join(tree, 'usr/bin', name));
  mkdirSync(join(tree, 'lib/systemd/system'), { recursive: true });
  cpSync(join(source, `${name}.service`), join(tree, 'lib/systemd/system', `${name}.service`));
  const doc = join(tree, 'usr/share/doc', name);
  mkdirSync(doc, { recursive: true });
  cpSync(join(here, 'common/copyright'), join(doc, 'copyright'));
  cpSync(join(source, 'README.Debian'), join(doc, 'README.Debian'));
  // A version without a Debian revision makes this a native package, whose changelog is changelog.gz.
  const epoch = sourceDateEpoch();
  writeFileSync(join(doc, 'changelog.gz'), changelog(name, ver, epoch));
  const overrides = join(source, 'lintian-overrides');
  mkdirSync(join(tree, 'usr/share/lintian/overrides'), { recursive: true });
  cpSync(overrides, join(tree, 'usr/share/lintian/overrides', name));
  if (kind === 'agent') {
    mkdirSync(join(tree, 'etc/mamori'), { recursive: true });
    cpSync(join(source, 'agent.yaml'), join(tree, 'etc/mamori/agent.yaml'));
  } else {
    // The installed CLI's default data dir (collector/src/config/load.ts): the one the unit uses.
    writeFileSync(join(libDir, 'data-dir'), '/var/lib/mamori-collector\n');
  }

  const debian = join(tree, 'DEBIAN');
  mkdirSync(debian);
  const scripts = ['postinst', 'prerm', 'postrm', 'config'];
  for (const file of readdirSync(join(source, 'debian'))) {
    if (file === 'control.in') continue;
    cpSync(join(source, 'debian', file), join(debian, file));
  }
  // Addons are shared objects (0644, stripped); the executable keeps its symbols (see lintian-overrides).
  for (const addon of sea.addons) execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', addon]);
  // JavaScript files shipped as data with a `#!/usr/bin/env node` line (the evidence verifier): the package has no
  // node to run them with (the executable embeds its own), so the line goes and they stay plain modules, which
  // `node FILE` still runs. Otherwise lintian rightly asks for executable mode (script-not-executable) or, with
  // it, a dependency on nodejs (missing-dep-for-interpreter).
  for (const file of walk(libDir).filter((f) => /\.(mjs|cjs|js)$/.test(f) && isScript(f))) {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(text.indexOf('\n') + 1));
  }
  const executables = new Set([sea.executable, ...scripts.map((s) => join(debian, s))]);
  normaliseModes(tree, executables);
  chmodSync(sea.executable, 0o755);
  const control = readFileSync(join(source, 'debian/control.in'), 'utf8')
    .replace('@VERSION@', ver).replace('@ARCH@', arch).replace('@SIZE@', String(installedSizeKb(tree)))
    .replace('@SHLIBS@', sharedLibraryDepends([sea.executable, ...sea.addons]));
  writeFileSync(join(debian, 'control'), control, { mode: 0o644 });
  const sums = walk(tree).filter((f) => !f.startsWith(debian) && !f.startsWith(join(tree, 'etc/')))
    .map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(tree, f)}`).sort();
  writeFileSync(join(debian, 'md5sums'), `${sums.join('\n')}\n`, { mode: 0o644 });

  const deb = join(outDir, `${name}_${ver}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', tree, deb], { stdio: 'pipe', env: { ...process.env, SOURCE_DATE_EPOCH: epoch } });
  return { deb, tree };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  if (which !== 'agent' && which !== 'collector' && which !== 'all') throw new Error('usage: build-deb.ts agent|collector|all [outDir]');
  const outDir = resolve(process.argv[3] ?? join(here, 'dist'));
  mkdirSync(outDir, { recursive: true });
  const kinds: DebKind[] = which === 'all' ? ['agent', 'collector'] : [which];
  for (const kind of kinds) {
    process.stdout.write(`${JSON.stringify(await buildDeb(kind, outDir))}\n`);
  }
}
