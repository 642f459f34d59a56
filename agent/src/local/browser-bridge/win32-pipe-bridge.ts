import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BridgeHandler } from './bridge-server.ts';
import type { SocketPeer } from './peer.ts';
import { DEFAULT_PIPE_NAME, parsePipeHostLine, pipeHostArgs } from './win32-pipe-host.ts';

export interface Win32PipeBridgeOptions {
  /** A native host is listened to only if one of these started it (parent or grandparent), compared without case. */
  browserExecutables: string[];
  pipeName?: string;
  /** Starts the host (default: powershell.exe running win32-pipe-host.ts's script); tests replay recorded lines. */
  spawnHost?: () => ChildProcessWithoutNullStreams;
  onRefused?: (reason: string, peer?: SocketPeer) => void;
}

/**
 * The Windows counterpart of BrowserBridgeServer (same seam for the upload sensor: handle, listen, push, close):
 * the pipe belongs to the PowerShell host, which reports each client's identity before relaying its lines; the
 * agent answers or refuses per connection by that identity, never by what the client sends.
 */
export class Win32PipeBridgeServer {
  readonly #options: Win32PipeBridgeOptions;
  #handler: BridgeHandler | undefined;
  #host: ChildProcessWithoutNullStreams | undefined;
  readonly #accepted = new Map<number, { peer: SocketPeer; chain: Promise<void> }>();

  constructor(options: Win32PipeBridgeOptions) {
    this.#options = options;
  }

  handle(handler: BridgeHandler | undefined): void {
    this.#handler = handler;
  }

  /** Starts the host; resolves once it says the pipe is open, rejects if it exits first. */
  async listen(): Promise<void> {
    const host = this.#options.spawnHost?.() ?? spawn('powershell.exe', pipeHostArgs(this.#options.pipeName ?? DEFAULT_PIPE_NAME), { windowsHide: true });
    this.#host = host;
    host.stdin.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      host.once('error', reject);
      host.once('exit', (code) => {
        this.#accepted.clear();
        if (!ready) reject(new Error(`the named pipe host exited (${code ?? 'signal'}) before opening the pipe`));
      });
      createInterface({ input: host.stdout }).on('line', (line) => {
        const message = parsePipeHostLine(line);
        if (message?.kind === 'ready' && !ready) {
          ready = true;
          resolve();
        } else if (message) this.#onHostLine(message);
      });
    });
  }

  async close(): Promise<void> {
    this.#host?.kill();
    this.#accepted.clear();
  }

  push(kind: string, message: (peer: SocketPeer) => unknown): number {
    let sent = 0;
    for (const [conn, { peer }] of this.#accepted) {
      const body = message(peer);
      if (body === undefined) continue;
      this.#write(conn, { id: 0, push: kind, status: 200, body });
      sent += 1;
    }
    return sent;
  }

  #write(conn: number, answer: unknown): void {
    this.#host?.stdin.write(`${JSON.stringify({ conn, text: JSON.stringify(answer) })}\n`);
  }

  #onHostLine(message: Exclude<ReturnType<typeof parsePipeHostLine>, undefined>): void {
    if (message.kind === 'connect') {
      const found = message.peer;
      const allowed = this.#options.browserExecutables.map((exe) => exe.toLowerCase());
      const peer: SocketPeer | undefined = found && {
        pid: found.pid, uid: -1, gid: -1, user: found.user, sid: found.sid, exe: found.exe, ancestors: found.ancestors,
      };
      const refusal = !peer ? 'the client of this pipe connection cannot be identified'
        : !peer.ancestors.some((exe) => allowed.includes(exe.toLowerCase()))
          ? `pid ${peer.pid} (${peer.exe}, ${peer.user}) was not started by an allowed browser` : undefined;
      if (refusal || !peer) {
        this.#options.onRefused?.(refusal ?? '', peer);
        this.#write(message.conn, { id: 0, status: 403, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: refusal } });
        this.#host?.stdin.write(`${JSON.stringify({ conn: message.conn, close: true })}\n`);
        return;
      }
      this.#accepted.set(message.conn, { peer, chain: Promise.resolve() });
    } else if (message.kind === 'line') {
      const connection = this.#accepted.get(message.conn);
      if (!connection) return; // a refused or unknown connection: nothing it sends is read
      // In order, one at a time per connection, as on the Unix socket.
      connection.chain = connection.chain.then(() => this.#answer(message.conn, connection.peer, message.text));
    } else if (message.kind === 'closed') {
      this.#accepted.delete(message.conn);
    }
  }

  async #answer(conn: number, peer: SocketPeer, text: string): Promise<void> {
    let request: { id?: unknown; path?: unknown; body?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.#write(conn, { id: 0, status: 400, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'not JSON' } });
      return;
    }
    const id = typeof request.id === 'number' ? request.id : 0;
    if (typeof request.path !== 'string' || !this.#handler) {
      this.#write(conn, { id, status: this.#handler ? 400 : 503, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message: 'no such request' } });
      return;
    }
    const answer = await this.#handler(peer, request.path, request.body).catch(() => ({ status: 500, body: { error: 'AGENT_INTERNAL' } }));
    if (this.#accepted.has(conn)) this.#write(conn, { id, ...answer });
  }
}
