import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './system-packages.ts';

export const cupsPackages = ['cups', 'cups-client', 'cups-bsd', 'cups-ipp-utils', 'printer-driver-cups-pdf'];
const cupsPdfPpd = '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd';
const systemServerBin = '/usr/lib/cups';

/** True when CUPS and cups-pdf are installed (installing them when allowed; see ensureDebianPackages). */
export function ensureCups(): boolean {
  return ensureDebianPackages(cupsPackages, ['cupsd', 'lp', 'lpadmin', 'cancel', 'ipptool'])
    && existsSync(`${systemServerBin}/backend/cups-pdf`) && existsSync(cupsPdfPpd);
}

/**
 * A job "from another user" must name an account that exists: cupsd 2.4.2-3+deb12u10 (Debian 12) dereferences a
 * missing passwd entry and segfaults when such a job is queued (seen in dmesg; deb12u9 did not), which took the
 * harness's cupsd down mid-test. A real office PC's users exist, so the test loses nothing by creating one.
 */
function ensureSystemUser(name: string): void {
  try {
    execFileSync('id', ['-u', name], { stdio: 'pipe' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  }
}

/**
 * A private cupsd for tests: its own ServerRoot, spool and socket in a temp folder, so tests never touch the
 * system's queues. Needs root (cupsd runs filters as `lp` and cups-pdf as root). Adds the cups-pdf printer "PDF"
 * and "PDF-SLOW", the same printer behind a backend that takes `slowPrinterMs` per job before writing the PDF, as a
 * physical printer would: cups-pdf itself finishes faster than any watcher can act.
 */
export class CupsHarness {
  readonly dir: string;
  readonly socketPath: string;
  #process: ChildProcess | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    this.socketPath = join(dir, 'cups.sock');
  }

  static async start(options: { slowPrinterMs?: number } = {}): Promise<CupsHarness> {
    const harness = new CupsHarness(mkdtempSync(join(tmpdir(), 'mamori-cups-')));
    harness.#writeConfig(options.slowPrinterMs ?? 3000);
    await harness.startDaemon();
    harness.lpadmin(['-p', 'PDF', '-E', '-v', 'cups-pdf:/', '-P', cupsPdfPpd]);
    harness.lpadmin(['-p', 'PDF-SLOW', '-E', '-v', 'slowpdf:/', '-P', cupsPdfPpd]);
    return harness;
  }

  /** Environment for CUPS command-line tools (lp, lpstat, cancel) to talk to this cupsd. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, CUPS_SERVER: this.socketPath };
  }

  #writeConfig(slowPrinterMs: number): void {
    const d = this.dir;
    for (const sub of ['root', 'spool', 'cache', 'state', 'log', 'tmp', 'serverbin', 'serverbin/backend']) mkdirSync(join(d, sub), { recursive: true });
    chmodSync(d, 0o755);
    const lpGroup = Number(execFileSync('getent', ['group', 'lp']).toString().split(':')[2]);
    for (const sub of ['spool', 'cache', 'tmp']) chownSync(join(d, sub), 0, lpGroup);
    chmodSync(join(d, 'spool'), 0o710);
    chmodSync(join(d, 'cache'), 0o770);
    chmodSync(join(d, 'tmp'), 0o1770);
    // The system's ServerBin, with one extra backend (slowpdf) beside the real ones.
    for (const entry of readdirSync(systemServerBin)) {
      if (entry !== 'backend') symlinkSync(join(systemServerBin, entry), join(d, 'serverbin', entry));
    }
    for (const entry of readdirSync(join(systemServerBin, 'backend'))) {
      symlinkSync(join(systemServerBin, 'backend', entry), join(d, 'serverbin/backend', entry));
    }
    const slow = join(d, 'serverbin/backend/slowpdf');
    writeFileSync(slow, [
      '#!/bin/sh',
      '# Test backend: reads the whole job (so CUPS has counted its pages), waits like a physical printer, then',
      '# hands the file to cups-pdf.',
      'if [ $# -eq 0 ]; then echo \'direct slowpdf "Unknown" "Slow PDF printer (Mamori tests)"\'; exit 0; fi',
      'f=$(mktemp "${TMPDIR:-/tmp}/slowpdf.XXXXXX") || exit 1',
      'if [ $# -ge 6 ]; then cp "$6" "$f"; else cat > "$f"; fi',
      `sleep ${(slowPrinterMs / 1000).toFixed(3)}`,
      'DEVICE_URI=cups-pdf:/ /usr/lib/cups/backend/cups-pdf "$1" "$2" "$3" "$4" "$5" "$f"; rc=$?',
      'rm -f "$f"; exit $rc',
      '',
    ].join('\n'));
    chmodSync(slow, 0o700);
    for (const file of ['raw.convs', 'raw.types']) {
      if (existsSync(`/etc/cups/${file}`)) writeFileSync(join(d, 'root', file), readFileSync(`/etc/cups/${file}`));
    }
    writeFileSync(join(d, 'root/cups-files.conf'), [
      'SystemGroup root lpadmin',
      `ServerRoot ${d}/root`, `ServerBin ${d}/serverbin`, `RequestRoot ${d}/spool`, `CacheDir ${d}/cache`,
      `StateDir ${d}/state`, `TempDir ${d}/tmp`, `AccessLog ${d}/log/access_log`, `ErrorLog ${d}/log/error_log`,
      `PageLog ${d}/log/page_log`, `Printcap ${d}/printcap`, '',
    ].join('\n'));
    // Debian's own cupsd.conf (same access policies, so job names of other users are private as on a real PC),
    // listening only on this harness's socket.
    const system = existsSync('/etc/cups/cupsd.conf') ? readFileSync('/etc/cups/cupsd.conf', 'utf8') : '';
    const kept = system.split('\n').filter((line) => !/^\s*(Listen|Port|Browsing|BrowseLocalProtocols|IdleExitTimeout|WebInterface|LogLevel|ErrorPolicy)\b/.test(line));
    writeFileSync(join(d, 'root/cupsd.conf'), [
      `Listen ${this.socketPath}`, 'Browsing No', 'WebInterface No', 'LogLevel info', 'ErrorPolicy abort-job', ...kept, '',
    ].join('\n'));
  }

  /** Starts cupsd (again) in the foreground of a child process and waits for its socket to answer. */
  async startDaemon(): Promise<void> {
    if (this.#process) return;
    const child = spawn('cupsd', ['-f', '-c', join(this.dir, 'root/cupsd.conf'), '-s', join(this.dir, 'root/cups-files.conf')], { stdio: 'ignore' });
    this.#process = child;
    child.on('exit', () => { if (this.#process === child) this.#process = undefined; });
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        execFileSync('lpstat', ['-r'], { env: this.env, stdio: 'pipe' });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`cupsd did not start; see ${this.dir}/log/error_log`);
  }

  /** Stops the cupsd this harness started (by its pid) and waits for it to exit. */
  async stopDaemon(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.#process = undefined;
  }

  /** lpadmin, retried briefly: right after start-up cupsd can drop the first admin connection under load. */
  lpadmin(args: string[]): void {
    for (let attempt = 1; ; attempt += 1) {
      try {
        execFileSync('lpadmin', args, { env: this.env, stdio: 'pipe' });
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        execFileSync('sleep', ['0.25']);
      }
    }
  }

  /** Submits a file with `lp`; returns the CUPS job id. `asUser` sets the requesting user (lp -U). */
  lp(file: string, options: { printer?: string; title?: string; copies?: number; asUser?: string } = {}): number {
    const args = ['-d', options.printer ?? 'PDF'];
    if (options.title !== undefined) args.push('-t', options.title);
    if (options.copies) args.push('-n', String(options.copies));
    if (options.asUser) {
      ensureSystemUser(options.asUser);
      args.push('-U', options.asUser);
    }
    const out = execFileSync('lp', [...args, file], { env: this.env, stdio: 'pipe' }).toString();
    const match = /request id is .*-(\d+) /.exec(out);
    if (!match) throw new Error(`unexpected lp output: ${out}`);
    return Number(match[1]);
  }

  /** Cancels a job as an administrator would (`cancel`). */
  lpadminCancel(jobId: number): void {
    execFileSync('cancel', [String(jobId)], { env: this.env, stdio: 'pipe' });
  }

  /** Job ids by state, as `lpstat` sees them. */
  jobIds(which: 'completed' | 'not-completed'): number[] {
    const out = execFileSync('lpstat', ['-W', which, '-o'], { env: this.env, stdio: 'pipe' }).toString();
    return [...out.matchAll(/^\S+-(\d+)\s/gm)].map((m) => Number(m[1]));
  }

  errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'log/error_log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops cupsd and removes the temp folder. */
  async stop(): Promise<void> {
    await this.stopDaemon();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A text file of exactly `pages` pages for CUPS's text filter (a form feed between pages). */
export function textDocument(path: string, pages: number): string {
  const page = (n: number) => `page ${n} of ${pages}\n${'line\n'.repeat(10)}`;
  writeFileSync(path, Array.from({ length: pages }, (_, i) => page(i + 1)).join('\f'));
  return path;
}
