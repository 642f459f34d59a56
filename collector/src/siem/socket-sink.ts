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
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connected = this.#tlsOptions
        ? tls.connect(this.#tlsOptions, () => resolve(connected))
        : net.connect({ host: this.#target.host, port: this.#target.port }, () => resolve(connected));
      const timer = setTimeout(() => connected.destroy(new Error(`no connection to ${this.#target.host}:${this.#target.port} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      connected.once('error', reject);
      connected.once(this.#tlsOptions ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // A receiver that closes or resets the connection: the next write fails and the exporter reconnects.
    socket.on('error', (error) => { this.#broken = error; });
    socket.on('close', () => { this.#broken ??= new Error('connection closed by the receiver'); });
    // Syslog receivers send nothing back; reading keeps a half-closed connection from going unnoticed.
    socket.on('data', () => undefined);
    socket.on('end', () => { this.#broken ??= new Error('connection closed by the receiver'); socket.destroy(); });
    this.#socket = socket;
  }

  write(chunk: Buffer, delivered: () => void): Promise<void> {
    const socket = this.#socket;
    if (!socket || this.#broken) return Promise.reject(this.#broken ?? new Error('not connected'));
    return new Promise((resolve, reject) => {
      // The callback runs once the kernel has taken every byte (for TLS: the encrypted records); a slow receiver
      // fills the kernel's buffer and delays it, which is the backpressure.
      socket.write(chunk, (error) => {
        if (error || this.#broken) {
          reject(error ?? this.#broken);
          return;
        }
        delivered();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { socket.destroy(); resolve(); }, 2_000);
      socket.end(() => { clearTimeout(timer); resolve(); });
    });
  }
}

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CollectorError('COLLECTOR_CONFIG_INVALID', `siem: cannot read ${path}: ${(error as Error).message}`);
  }
}
