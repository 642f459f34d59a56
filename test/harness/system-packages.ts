import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when every named command is on PATH. */
export function haveCommands(commands: string[]): boolean {
  return commands.every((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0);
}

/**
 * Makes sure Debian packages are installed for an integration suite (their commands, and any files named, exist). Under CI=true a missing package is
 * installed (apt-get) or the suite fails — it never skips. Outside CI it installs when running as root and
 * otherwise reports false so the suite can skip with a reason.
 */
export function ensureDebianPackages(packages: string[], commands: string[], files: string[] = []): boolean {
  const present = () => haveCommands(commands) && files.every((file) => existsSync(file));
  if (present()) return true;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && process.env.CI !== 'true') return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'pipe' });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'pipe' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'pipe' });
  }
  if (!present()) throw new Error(`installed ${packages.join(' ')} but ${[...commands, ...files].join(', ')} still missing`);
  return true;
}

/** Like ensureDebianPackages, for packages that install files rather than commands (fonts). */
export function ensureDebianFiles(packages: string[], files: string[]): boolean {
  if (files.every((file) => existsSync(file))) return true;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && process.env.CI !== 'true') return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'pipe' });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'pipe' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'pipe' });
  }
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`installed ${packages.join(' ')} but ${missing.join(', ')} still missing`);
  return true;
}
