import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentError } from '../errors.ts';

/**
 * The agent's loopback HTTP endpoint (default 127.0.0.1:7444, config.local.port), shared by the browser
 * extension and the tray page. Features register routes; each route decides who may call it (the extension
 * routes pin the extension's Origin, see sensors/upload). What every route gets for free, because anything that
 * reaches this port is untrusted:
 * - only loopback peers, and only a Host header naming the loopback with our port (defeats DNS rebinding, where a
 *   web page's own host name resolves to 127.0.0.1 and its requests would otherwise look same-origin);
 * - no CORS headers at all, so a web page can never read a response, and a preflight is always refused;
 * - JSON bodies only, size-capped before parsing; bad input gets a 4xx with a code and never throws out.
 * Routes can be added and removed while listening (sensors register in start() and leave on abort).
 */

export interface LocalRequest {
  method: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
  /** The TCP connection (this end and the caller's), so a route can ask the OS who the caller is. */
  peer?: { localAddress: string; localPort: number; remoteAddress: string; remotePort: number };
}

export interface LocalResponse {
  status: number;
  /** Serialised as JSON unless `contentType` is given (then sent as is). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface LocalRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact path, e.g. "/extension/v1/uploads". */
  path: string;
  /** Body cap for this route in bytes (default: the server's). */
  maxBodyBytes?: number;
  handler: (request: LocalRequest) => LocalResponse | Promise<LocalResponse>;
}

/** What features see: a place to add routes. */
export interface LocalRoutes {
  /** Adds a route; returns the function that removes it. Throws if the method and path are already taken. */
  route(route: LocalRoute): () => void;
}

export interface LocalServer extends LocalRoutes {
  /** Starts listening; resolves with the bound port (useful with port 0 in tests). */
  listen(): Promise<number>;
  close(): Promise<void>;
  /** The bound port, or undefined before listen(). */
  port(): number | undefined;
}

export interface LocalServerOptions {
  /** Loopback address to bind; never a public interface. */
  host?: string;
  port: number;
  /** Default body cap in bytes. */
  maxBodyBytes?: number;
  /** Called for every refused request (counting, logs); never throws into the server. */
  onRefused?: (reason: string, request: { method: string; path: string }) => void;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createLocalServer(options: LocalServerOptions): LocalServer {
  const host = options.host ?? '127.0.0.1';
  const defaultMaxBody = options.maxBodyBytes ?? 64 * 1024;
  const routes = new Map<string, LocalRoute>();
  let boundPort: number | undefined;

  const refuse = (response: ServerResponse, status: number, code: string, reason: string, request: IncomingMessage) => {
    try {
      options.onRefused?.(reason, { method: request.method ?? '', path: (request.url ?? '').split('?')[0] ?? '' });
    } catch {
      // a broken observer must not take the endpoint down
    }
    send(response, { status, body: { error: code, message: reason } });
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, { status: 500, body: { error: 'AGENT_LOCAL_INTERNAL', message: 'internal error' } });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const remote = request.socket.remoteAddress ?? '';
    if (!isLoopbackAddress(remote)) return refuse(response, 403, 'AGENT_LOCAL_REQUEST_INVALID', 'not a loopback peer', request);
    if (!hostHeaderAllowed(request.headers.host, boundPort)) {
      return refuse(response, 421, 'AGENT_LOCAL_REQUEST_INVALID', 'Host header is not this loopback endpoint', request);
    }
    const url = new URL(request.url ?? '/', 'http://local');
    const route = routes.get(`${request.method} ${url.pathname}`);
    if (!route) {
      // OPTIONS (CORS preflight) lands here too: refused without any Access-Control-* header.
      request.resume();
      return refuse(response, 404, 'AGENT_LOCAL_NOT_FOUND', `no route ${request.method} ${url.pathname}`, request);
    }
    let body: unknown;
    const declared = Number(request.headers['content-length'] ?? 0);
    const cap = route.maxBodyBytes ?? defaultMaxBody;
    if (declared > cap) {
      request.resume();
      return refuse(response, 413, 'AGENT_LOCAL_REQUEST_INVALID', `body over ${cap} bytes`, request);
    }
    const raw = await readBody(request, cap);
    if (raw === 'too-large') return refuse(response, 413, 'AGENT_LOCAL_REQUEST_INVALID', `body over ${cap} bytes`, request);
    if (raw.length > 0) {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return refuse(response, 415, 'AGENT_LOCAL_REQUEST_INVALID', 'body must be application/json', request);
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse(response, 400, 'AGENT_LOCAL_REQUEST_INVALID', 'body is not valid JSON', request);
      }
    }
    try {
      const { socket } = request;
      const peer = { localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 };
      const result = await route.handler({ method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, body, peer });
      if (result.status >= 400) {
        const reason = (result.body as { message?: unknown } | undefined)?.message;
        try {
          options.onRefused?.(typeof reason === 'string' ? reason : `status ${result.status}`, { method: request.method ?? '', path: url.pathname });
        } catch {
          // as above
        }
      }
      send(response, result);
    } catch (error) {
      if (error instanceof AgentError) {
        return refuse(response, 400, error.code, error.message, request);
      }
      throw error;
    }
  }

  return {
    route(route) {
      const key = `${route.method} ${route.path}`;
      if (routes.has(key)) throw new Error(`local route ${key} is already registered`);
      routes.set(key, route);
      return () => {
        if (routes.get(key) === route) routes.delete(key);
      };
    },
    listen: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        boundPort = (server.address() as AddressInfo).port;
        resolve(boundPort);
      });
    }),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
    port: () => boundPort,
  };
}

function send(response: ServerResponse, result: LocalResponse): void {
  const payload = result.contentType
    ? (typeof result.body === 'string' || Buffer.isBuffer(result.body) ? result.body : String(result.body ?? ''))
    : result.body === undefined ? '' : JSON.stringify(result.body);
  response.writeHead(result.status, {
    'content-type': result.contentType ?? 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...result.headers,
  });
  response.end(payload);
}

function readBody(request: IncomingMessage, cap: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(chunk);
    });
    request.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Host must be a loopback name with our port: a rebinding page sends its own host name here. */
export function hostHeaderAllowed(hostHeader: string | undefined, port: number | undefined): boolean {
  if (!hostHeader || port === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const name = match[1]!;
  const hostPort = match[2] === undefined ? 80 : Number(match[2]);
  return (loopbackHosts.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name)) && hostPort === port;
}
