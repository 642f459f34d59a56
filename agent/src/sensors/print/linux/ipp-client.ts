// IPP transport to cupsd: messages are built and parsed by the `ipp` package; this file does the HTTP POST
// itself (over cupsd's local socket or a URL) so every request has a time limit and every failure is an error
// value, not a console line or a hang. Used on Linux and macOS (both print through CUPS).
import { request as httpRequest } from 'node:http';
import ipp from 'ipp';

// The package prints to the console for tags it does not decode (CUPS sends `no-value` for unset times). Such
// values carry nothing the sensor uses: skip them quietly.
ipp.parse.handleUnknownTag = (_tag, _name, length, read) => {
  if (length) read(length);
  return undefined;
};

export interface IppEndpoint {
  /** cupsd's local socket (preferred: root is recognised by peer credentials). */
  socketPath?: string;
  /** http://host:port when not using the socket. */
  url?: string;
  timeoutMs: number;
}

export type IppAttributes = Record<string, unknown>;

export interface IppResponse {
  statusCode: string;
  statusMessage: string;
  /** Every job-attributes group, in order. */
  jobs: IppAttributes[];
}

/** A failure talking to cupsd: unreachable, timed out, HTTP error, or an IPP error status. */
export class IppError extends Error {
  constructor(message: string, readonly status?: string) {
    super(message);
    this.name = 'IppError';
  }
}

let nextRequestId = 1;

/** Sends one IPP operation to cupsd and returns its parsed answer; rejects with IppError. */
export function ippCall(endpoint: IppEndpoint, operation: string, attributes: IppAttributes): Promise<IppResponse> {
  let body: Buffer;
  try {
    body = ipp.serialize({
      version: '2.0', operation, id: nextRequestId++,
      'operation-attributes-tag': { 'attributes-charset': 'utf-8', 'attributes-natural-language': 'en', ...attributes },
    });
  } catch (error) {
    return Promise.reject(new IppError(`cannot encode ${operation}: ${String(error)}`));
  }
  const target = endpoint.url ? new URL(endpoint.url) : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      ...(target ? { host: target.hostname, port: Number(target.port || 631) } : { socketPath: endpoint.socketPath }),
      path: '/', method: 'POST', timeout: endpoint.timeoutMs,
      headers: { 'Content-Type': 'application/ipp', 'Content-Length': body.length, Host: 'localhost' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => reject(new IppError(`reading ${operation} answer: ${error.message}`)));
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new IppError(`${operation}: HTTP ${res.statusCode}`));
          return;
        }
        try {
          resolve(toResponse(ipp.parse(Buffer.concat(chunks))));
        } catch (error) {
          reject(new IppError(`${operation}: malformed IPP answer: ${String(error)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new IppError(`${operation}: no answer within ${endpoint.timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof IppError ? error : new IppError(`${operation}: ${error.message}`)));
    req.end(body);
  });
}

function toResponse(message: Record<string, unknown>): IppResponse {
  const groups = message['job-attributes-tag'];
  const jobs = (Array.isArray(groups) ? groups : groups ? [groups] : []) as IppAttributes[];
  const operationGroup = (message['operation-attributes-tag'] ?? {}) as IppAttributes;
  return {
    statusCode: String(message.statusCode ?? 'unknown'),
    statusMessage: typeof operationGroup['status-message'] === 'string' ? operationGroup['status-message'] : '',
    jobs,
  };
}

/** Like ippCall, but an IPP error status (not-found, not-possible …) rejects too. */
export async function ippCallOk(endpoint: IppEndpoint, operation: string, attributes: IppAttributes): Promise<IppResponse> {
  const response = await ippCall(endpoint, operation, attributes);
  if (!response.statusCode.startsWith('successful')) {
    throw new IppError(`${operation}: ${response.statusCode}${response.statusMessage ? ` (${response.statusMessage})` : ''}`, response.statusCode);
  }
  return response;
}
