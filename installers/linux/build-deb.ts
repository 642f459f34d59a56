/**
 * Builds mamori-agent_<version>_<arch>.deb and mamori-collector_<version>_<arch>.deb with dpkg-deb from the
 * single executables (installers/sea) and the files in installers/linux/{agent,collector}. No debhelper: the
 * tree is laid out here, maintainer scripts are written by hand with the same systemd steps dh_installsystemd
 * generates, and lintian checks the result (see README).
 *
 * Usage: tsx installers/linux/build-deb.ts agent|collector|all [outDir]
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

function changelog(name: string, ver: string): Buffer {
  const text = `${name} (${ver}) unstable; urgency=medium\n\n  * Release ${ver}.\n\n -- Mamori maintainers <mamori@example.org>  Sun, 22 Nov 2026 00:00:00 +0000\n`;
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
  writeFileSync(join(doc, 'changelog.gz'), changelog(name, ver));
  const overrides = join(source, 'lintian-overrides');
  mkdirSync(join(tree, 'usr/share/lintian/overrides'), { recursive: true });
  cpSync(overrides, join(tree, 'usr/share/lintian/overrides', name));
  if (kind === 'agent') {
    mkdirSync(join(tree, 'etc/mamori'), { recursive: true });
    cpSync(join(source, 'agent.yaml'), join(tree, 'etc/mamori/agent.yaml'));
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
  const executables = new Set([sea.executable, ...scripts.map((s) => join(debian, s))]);
  normaliseModes(tree, executables);
  chmodSync(sea.executable, 0o755);
  const control = readFileSync(join(source, 'debian/control.in'), 'utf8')
    .replace('@VERSION@', ver).replace('@ARCH@', arch).replace('@SIZE@', String(installedSizeKb(tree)));
  writeFileSync(join(debian, 'control'), control, { mode: 0o644 });
  const sums = walk(tree).filter((f) => !f.startsWith(debian) && !f.startsWith(join(tree, 'etc/')))
    .map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(tree, f)}`).sort();
  writeFileSync(join(debian, 'md5sums'), `${sums.join('\n')}\n`, { mode: 0o644 });

  const deb = join(outDir, `${name}_${ver}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', tree, deb], { stdio: 'pipe' });
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
