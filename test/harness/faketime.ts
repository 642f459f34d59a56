import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tempDir } from './collector.ts';
import { ensureDebianPackages } from './system-packages.ts';

/** Installs Debian's faketime/libfaketime when needed (see ensureDebianPackages); the library's path or undefined. */
export function ensureLibfaketime(): string | undefined {
  if (!ensureDebianPackages(['faketime', 'libfaketime'], ['faketime'])) return undefined;
  for (const dir of ['/usr/lib', ...readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu')).map((d) => join('/usr/lib', d))]) {
    const candidate = join(dir, 'faketime', 'libfaketime.so.1');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('libfaketime installed but libfaketime.so.1 not found under /usr/lib');
}

/**
 * One process's wall clock, movable while it runs: libfaketime re-reads the offset file at every clock call
 * (FAKETIME_NO_CACHE), so writing "-2h" sets the running process's clock back 2 hours. Monotonic clocks stay
 * real, as on a PC whose administrator changes the date.
 */
export class FakeWallClock {
  readonly file = join(tempDir('faketime'), 'offset');

  constructor(readonly library: string, offset = '+0') {
    this.set(offset);
  }

  /** An offset as libfaketime reads it: "+0", "-2h", "-1d". */
  set(offset: string): void {
    writeFileSync(this.file, `${offset}\n`);
  }

  env(): NodeJS.ProcessEnv {
    return { LD_PRELOAD: this.library, FAKETIME_TIMESTAMP_FILE: this.file, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
  }
}

const childScript = fileURLToPath(new URL('./clock-agent-child.ts', import.meta.url));

/** A real agent process (clock-agent-child.ts) under a fake wall clock, driven line by line. */
export class ClockAgentProcess {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.#lines.push(line);
      this.#wake?.();
    });
  }

  static async start(stateDir: string, clock: FakeWallClock): Promise<ClockAgentProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, stateDir], {
      stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...clock.env() },
    });
    const agent = new ClockAgentProcess(child);
    await agent.#answer('ready');
    return agent;
  }

  /** Journals `count` events in the agent; resolves with its last seq. */
  async record(count: number): Promise<number> {
    this.#child.stdin!.write(`record ${count}\n`);
    return Number((await this.#answer('journaled')).split(' ')[1]);
  }

  /** Graceful stop (the agent saves its wall time), then the process exits. */
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin!.write('stop\n');
    await this.#answer('stopped');
    await exited;
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGKILL');
    await exited;
  }

  async #answer(prefix: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#lines.findIndex((line) => line.startsWith(prefix));
      if (index >= 0) return this.#lines.splice(index, 1)[0]!;
      if (this.#child.exitCode !== null) throw new Error(`agent process exited (${this.#child.exitCode}) before answering "${prefix}"`);
      if (Date.now() > deadline) throw new Error(`agent process did not answer "${prefix}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
}
