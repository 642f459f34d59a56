import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, ftruncateSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SiemSinkConfig } from './config.ts';
import type { SiemSink } from './sink.ts';

type FileTarget = NonNullable<SiemSinkConfig['file']>;

const TAIL_BYTES = 1024 * 1024;

/**
 * JSON lines appended to a file, rotated by size (PATH → PATH.1 → … PATH.keep). A write that returned is in the
 * OS's page cache and survives the collector being killed, so the cursor moves right after it; and because the
 * file itself says what it holds, a restart also reads the last complete line (dropping a torn one) and resumes
 * after that event, so a kill between the write and the cursor update repeats nothing.
 */
export class RotatingFileSink implements SiemSink {
  readonly #target: FileTarget;
  #fd: number | undefined;
  #size = 0;

  constructor(target: FileTarget) {
    this.#target = target;
  }

  get isOpen(): boolean {
    return this.#fd !== undefined;
  }

  async open(): Promise<void> {
    await this.close();
    mkdirSync(dirname(this.#target.path), { recursive: true });
    this.#fd = openSync(this.#target.path, 'a+');
    this.#size = fstatSync(this.#fd).size;
    this.#dropTornLine();
  }

  async write(chunk: Buffer, delivered: () => void): Promise<void> {
    if (this.#fd === undefined) throw new Error('file sink is not open');
    if (this.#size > 0 && this.#size + chunk.length > this.#target.max_bytes) this.#rotate();
    let written = 0;
    while (written < chunk.length) written += writeSync(this.#fd, chunk, written, chunk.length - written);
    this.#size += chunk.length;
    delivered();
  }

  /** The event id ("agent:seq") on the last complete line of the newest file, if any. */
  lastDelivered(): string | undefined {
    for (const path of [this.#target.path, `${this.#target.path}.1`]) {
      const line = lastLine(path);
      if (line === undefined) continue;
      try {
        const id = (JSON.parse(line) as { event?: { id?: unknown } }).event?.id;
        return typeof id === 'string' ? id : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #rotate(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    const path = this.#target.path;
    rmSync(`${path}.${this.#target.keep}`, { force: true });
    for (let n = this.#target.keep - 1; n >= 1; n -= 1) if (existsSync(`${path}.${n}`)) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
    renameSync(path, `${path}.1`);
    this.#fd = openSync(path, 'a+');
    this.#size = 0;
  }

  /** A kill in the middle of a write can leave half a line: cut the file back to its last newline. */
  #dropTornLine(): void {
    if (this.#fd === undefined || this.#size === 0) return;
    const tail = readTail(this.#fd, this.#size);
    if (tail.at(-1) === 0x0a) return;
    const lastNewline = tail.lastIndexOf(0x0a);
    const keep = lastNewline < 0 ? this.#size - tail.length : this.#size - tail.length + lastNewline + 1;
    ftruncateSync(this.#fd, keep);
    this.#size = keep;
  }
}

function readTail(fd: number, size: number): Buffer {
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, size - length);
  return buffer;
}

function lastLine(path: string): string | undefined {
  if (!existsSync(path) || statSync(path).size === 0) return undefined;
  const fd = openSync(path, 'r');
  try {
    const tail = readTail(fd, fstatSync(fd).size).toString('utf8').replace(/\n+$/, '');
    const line = tail.slice(tail.lastIndexOf('\n') + 1);
    return line || undefined;
  } finally {
    closeSync(fd);
  }
}
