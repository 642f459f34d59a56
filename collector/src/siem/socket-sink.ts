import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { CollectorError } from '../errors.ts';
import type { SiemSinkConfig } from './config.ts';
import type { SiemSink } from './sink.ts';

type SocketTarget = NonNullable<SiemSinkConfig['socket']>;

const CONNECT_TIMEOUT_MS = 10_000;

/** A TCP connection, or TLS over it (RFC 5425 for syslog), to a SIEM receiver. */
export class SocketSink implements SiemSink {
  readonly #target: SocketTarget;
  readonly #tlsOptions: tls.ConnectionOptions | undefined;
  #socket: net.Socket | undefined;
  #raw: net.Socket | undefined;
  #broken: Error | undefined;

  constructor(target: SocketTarget) {
    this.#target = target;
    // Certificate files are read once, here, so a missing file fails the collector's start, not the first export.
    this.#tlsOptions = target.tls ? {
      host: target.host, port: target.port, servername: target.tls.server_name ?? target.host,
      ...(target.tls.ca_file ? { ca: readPem(target.tls.ca_file) } : {}),
      ...(target.tls.cert_file ? { cert: readPem(target.tls.cert_file) } : {}),
      ...(target.tls.key_file ? { key: readPem(target.tls.key_file) } : {}),
    } : undefined;
  }

  get isOpen(): boolean {
    return this.#socket !== undefined && !this.#broken;
  }

  async open(): Promise<void> {
    await this.close();
    this.#broken = undefined;
    const timeout = (socket: net.Socket) => setTimeout(() => socket.destroy(new Error(`no connection to ${this.#target.host}:${this.#target.port} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    // The TCP socket is ours even under TLS, so write() can see whether the kernel took every encrypted byte.
    const raw = await new Promise<net.Socket>((resolve, reject) => {
      const connecting = net.connect({ host: this.#target.host, port: this.#target.port }, () => { clearTimeout(timer); resolve(connecting); });
      const timer = timeout(connecting);
      connecting.once('error', (error) => { clearTimeout(timer); reject(error); });
    });
    let socket: net.Socket = raw;
    if (this.#tlsOptions) {
      socket = await new Promise<net.Socket>((resolve, reject) => {
        const secured = tls.connect({ ...this.#tlsOptions, socket: raw }, () => { clearTimeout(timer); resolve(secured); });
        const timer = timeout(secured);
        secured.once('error', (error) => { clearTimeout(timer); raw.destroy(); reject(error); });
      });
    }
    raw.setNoDelay(true);
    raw.setKeepAlive(true, 30_000);
    // A receiver that closes or resets the connection: the next write fails and the exporter reconnects.
    socket.on('error', (error) => { this.#broken = error; });
    if (socket !== raw) raw.on('error', (error) => { this.#broken ??= error; });
    socket.on('close', () => { this.#broken ??= new Error('connection closed by the receiver'); });
    // Syslog receivers send nothing back; reading keeps a half-closed connection from going unnoticed.
    socket.on('data', () => undefined);
    socket.on('end', () => { this.#broken ??= new Error('connection closed by the receiver'); socket.destroy(); });
    this.#raw = raw;
    this.#socket = socket;
  }

  write(chunk: Buffer, delivered: () => void): Promise<void> {
    const socket = this.#socket;
    const raw = this.#raw;
    if (!socket || !raw || this.#broken) return Promise.reject(this.#broken ?? new Error('not connected'));
    return new Promise((resolve, reject) => {
      let done = false;
      const deliver = (): void => {
        if (!done) delivered();
        done = true;
      };
      // The write callback comes late: under TLS Node reports a finished write on the next turn of the event loop,
      // after whatever other work is queued (ingest, projection), and a kill in that gap would make the receiver
      // see the chunk twice. So when the write went straight into the kernel (nothing left queued in libuv — the
      // usual case; the previous chunk is always finished first, so nothing of it is waiting either), count it
      // delivered here, in the same synchronous step. Otherwise the kernel's buffer is full (a slow receiver):
      // wait for the callback, which is also the backpressure.
      socket.write(chunk, (error) => {
        if (error || (this.#broken && !done)) {
          reject(error ?? this.#broken);
          return;
        }
        deliver();
        resolve();
      });
      if (kernelHasEverything(raw)) deliver();
    });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    const raw = this.#raw;
    this.#socket = undefined;
    this.#raw = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { socket.destroy(); raw?.destroy(); resolve(); }, 2_000);
      socket.end(() => { clearTimeout(timer); resolve(); });
    });
  }
}

/** True when libuv holds nothing of this TCP socket's writes: every byte written so far is in the kernel. */
function kernelHasEverything(raw: net.Socket): boolean {
  const handle = (raw as unknown as { _handle?: { writeQueueSize?: number } })._handle;
  return handle?.writeQueueSize === 0 && raw.writableLength === 0;
}

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CollectorError('COLLECTOR_CONFIG_INVALID', `siem: cannot read ${path}: ${(error as Error).message}`);
  }
}
