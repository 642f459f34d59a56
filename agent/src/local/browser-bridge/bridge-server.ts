import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { PeerIdentifier, SocketPeer } from './peer.ts';

/** One request from the browser extension, relayed by the native messaging host. */
export interface BridgeRequest {
  id: number;
  path: string;
  body: unknown;
}

export type BridgeHandler = (peer: SocketPeer, path: string, body: unknown) => Promise<{ status: number; body?: unknown }>;

export interface BrowserBridgeOptions {
  /** The Unix socket the native host connects to (default /run/mamori/browser.sock). */
  socketPath: string;
  identifier: PeerIdentifier;
  /**
   * Whether a peer may speak for the browser: by default, only a process started by an allowed browser (its
   * parent or grandparent is one of `browserExecutables`), i.e. the native messaging host Chrome/Edge launched.
   */
  browserExecutables: string[];
  onRefused?: (reason: string, peer?: SocketPeer) => void;
  /** Longest request line accepted, bytes. */
  maxLineBytes?: number;
}

/**
 * The agent's end of "only the browser reports": a Unix socket anyone may connect to, where each connection is
 * judged by who the OS says is at the other end (pid, uid, executable, and the browser that started it), not by
 * anything the caller sends. Messages are JSON lines `{id, path, body}` answered `{id, status, body}`.
 */
export class BrowserBridgeServer {
  readonly #options: BrowserBridgeOptions;
  #server: Server | undefined;
  #handler: BridgeHandler | undefined;
  readonly #sockets = new Set<Socket>();
  /** Connections whose peer was accepted, with that peer: where pushes go. */
  readonly #accepted = new Map<Socket, SocketPeer>();

  constructor(options: BrowserBridgeOptions) {
    this.#options = options;
  }

  /** Sets who answers requests (the upload sensor). */
  handle(handler: BridgeHandler | undefined): void {
    this.#handler = handler;
  }

  async listen(): Promise<void> {
    const path = this.#options.socketPath;
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    this.#server = createServer((socket) => void this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(path, () => resolve());
    });
    // Every user's browser must reach it; who may speak is decided per connection from the peer's identity.
    chmodSync(path, 0o666);
  }

  /**
   * Sends an unsolicited message (id 0, `push` names it) down every accepted connection, made per peer (the rules
   * differ per user); the native host relays it to the extension. A peer for which `message` returns undefined
   * gets nothing. Returns how many connections were written to.
   */
  push(kind: string, message: (peer: SocketPeer) => unknown): number {
    let sent = 0;
    for (const [socket, peer] of this.#accepted) {
      if (socket.destroyed) continue;
      const body = message(peer);
      if (body === undefined) continue;
      socket.write(`${JSON.stringify({ id: 0, push: kind, status: 200, body })}\n`);
      sent += 1;
    }
    return sent;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    rmSync(this.#options.socketPath, { force: true });
  }

  async #accept(socket: Socket): Promise<void> {
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#accepted.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.pause();
    const peer = await this.#options.identifier.identify(socket).catch(() => undefined);
    const refusal = !peer ? 'the peer of this connection cannot be identified'
      : !peer.ancestors.some((exe) => this.#options.browserExecutables.includes(exe))
        ? `pid ${peer.pid} (${peer.exe}, uid ${peer.uid}) was not started by an allowed browser` : undefined;
    if (refusal) {
      this.#options.onRefused?.(refusal, peer);
      socket.end(`${JSON.stringify({ id: 0, status: 403, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: refusal } })}\n`);
      return;
    }
    this.#accepted.set(socket, peer!);
    const max = this.#options.maxLineBytes ?? 512 * 1024;
    let buffered = '';
    let chain = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > max && !buffered.includes('\n')) {
        this.#options.onRefused?.('request line too long', peer);
        socket.destroy();
        return;
      }
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        // In order, one at a time per connection: answers keep the order of questions.
        chain = chain.then(() => this.#answer(socket, peer!, line));
      }
    });
    socket.resume();
  }

  async #answer(socket: Socket, peer: SocketPeer, line: string): Promise<void> {
    let request: Partial<BridgeRequest>;
    try {
      request = JSON.parse(line) as Partial<BridgeRequest>;
    } catch {
      socket.write(`${JSON.stringify({ id: 0, status: 400, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'not JSON' } })}\n`);
      return;
    }
    const id = typeof request.id === 'number' ? request.id : 0;
    if (typeof request.path !== 'string' || !this.#handler) {
      socket.write(`${JSON.stringify({ id, status: this.#handler ? 400 : 503, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'no such request' } })}\n`);
      return;
    }
    const answer = await this.#handler(peer, request.path, request.body).catch(() => ({ status: 500, body: { error: 'AGENT_INTERNAL' } }));
    if (!socket.destroyed) socket.write(`${JSON.stringify({ id, ...answer })}\n`);
  }
}
