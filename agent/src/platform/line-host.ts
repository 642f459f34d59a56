/**
 * A long-lived helper process that reports by writing lines (the Windows adapters' PowerShell hosts): splits its
 * stdout into lines (a line may arrive in pieces), decodes each strictly as UTF-8, and starts the process again
 * after `restartMs` when it exits or cannot start. Portable: the process is whatever `spawnHost` returns.
 */
import { decodePowerShellOutput } from './powershell.ts';

/** What is needed of the helper process (a ChildProcess). */
export interface HostProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  kill(): boolean;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export interface LineHostHandlers {
  /** One decoded, trimmed, non-empty line. */
  line(text: string): void;
  /** A line that was not UTF-8 (the reason names the likely cause). */
  unreadable(reason: string): void;
  /** The process exited or could not start; it is started again after `restartMs`. */
  down(reason: string): void;
}

export class LineHost {
  readonly #spawnHost: () => HostProcess;
  readonly #handlers: LineHostHandlers;
  readonly #restartMs: number;
  #process: HostProcess | undefined;
  #restart: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(spawnHost: () => HostProcess, handlers: LineHostHandlers, restartMs: number) {
    this.#spawnHost = spawnHost;
    this.#handlers = handlers;
    this.#restartMs = restartMs;
  }

  start(): void {
    if (this.#stopped) return;
    let host: HostProcess;
    try {
      host = this.#spawnHost();
    } catch (error) {
      this.#down(undefined, error instanceof Error ? error.message : String(error));
      return;
    }
    this.#process = host;
    let pending = Buffer.alloc(0);
    host.stdout?.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let newline: number;
      while ((newline = pending.indexOf(0x0a)) >= 0) {
        const bytes = pending.subarray(0, newline);
        pending = pending.subarray(newline + 1);
        this.#onBytes(bytes);
      }
    });
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      this.#down(host, reason);
    };
    host.once('error', (error) => end(error.message));
    host.once('exit', (code) => end(`exited with code ${code ?? 'none'}`));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#restart);
    this.#process?.kill();
  }

  #onBytes(bytes: Buffer): void {
    let text: string;
    try {
      text = decodePowerShellOutput(bytes).trim();
    } catch (error) {
      this.#handlers.unreadable((error as Error).message);
      return;
    }
    if (text !== '') this.#handlers.line(text);
  }

  #down(host: unknown, reason: string): void {
    if (this.#stopped) return;
    if (host === this.#process) this.#process = undefined;
    this.#handlers.down(reason);
    clearTimeout(this.#restart);
    this.#restart = setTimeout(() => this.start(), this.#restartMs);
    this.#restart.unref?.();
  }
}
