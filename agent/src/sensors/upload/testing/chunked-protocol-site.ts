import { createHash, randomBytes } from 'node:crypto';

/** One answer of the protocol site. */
export interface SiteAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A file the site finished receiving, and how. */
export interface AssembledUpload {
  protocol: 'tus' | 'drive' | 's3' | 'goog';
  id: string;
  bytes: Buffer;
  /** How many body-carrying requests (pieces, parts) it arrived in. */
  pieces: number;
}

interface Session {
  protocol: AssembledUpload['protocol'];
  total: number;
  received: Buffer[];
  offset: number;
  parts: Map<number, Buffer>;
}

const cors = {
  'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*',
  'access-control-expose-headers': 'Location, Upload-Offset, Upload-Length, Tus-Resumable, Range, ETag, X-Goog-Upload-URL, X-Goog-Upload-Status, X-Goog-Upload-Size-Received, X-Goog-Upload-Chunk-Granularity',
};

/**
 * The server side of three chunked upload protocols, as their documentation shapes the requests and answers, so
 * a page in Chromium can run each protocol's real client flow against it:
 * - tus 1.0 (tus.io/protocols/resumable-upload): POST with Upload-Length → 201 + Location; PATCH with
 *   Upload-Offset and `application/offset+octet-stream` → 204 + the new Upload-Offset (409 on a wrong offset).
 * - Google Drive resumable (developers.google.com/drive/api/guides/manage-uploads#resumable): POST
 *   `?uploadType=resumable` with X-Upload-Content-Length → 200 + Location `…&upload_id=…`; PUTs with
 *   Content-Range → 308 + `Range: bytes=0-n` until the last, which gets 200 and the file's metadata.
 * - S3 multipart (CreateMultipartUpload / UploadPart / CompleteMultipartUpload): POST `?uploads` → XML UploadId;
 *   PUT `?partNumber=n&uploadId=…` → 200 + ETag; POST `?uploadId=…` → the parts joined in part-number order.
 * - Google's X-Goog-Upload resumable protocol (Drive's web client, Photos): POST with `X-Goog-Upload-Protocol:
 *   resumable`, `X-Goog-Upload-Command: start` and `X-Goog-Upload-Header-Content-Length` → 200 + `X-Goog-Upload-URL`
 *   and `X-Goog-Upload-Status: active`; POSTs to that URL with `X-Goog-Upload-Command: upload` (the last one
 *   `upload, finalize`) and `X-Goog-Upload-Offset` → `active` until the finalize, answered `final` once every
 *   declared byte arrived; `query` → `X-Goog-Upload-Size-Received`.
 * Requests are told apart by the X-Goog-Upload-Command header, host (tus.*, s3.*) and path (/upload/drive/); what
 * each upload assembled is kept.
 */
export class ChunkedProtocolSite {
  readonly assembled: AssembledUpload[] = [];
  readonly #sessions = new Map<string, Session>();

  /** Undefined when the request is none of these protocols' (the caller answers it). */
  handle(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer): SiteAnswer | undefined {
    if (method === 'OPTIONS') return undefined;
    if (headers['x-goog-upload-command'] !== undefined) return this.#goog(method, url, headers, body);
    if (url.hostname.startsWith('tus.')) return this.#tus(method, url, headers, body);
    if (url.pathname.startsWith('/upload/drive/')) return this.#drive(method, url, headers, body);
    if (url.hostname.startsWith('s3.')) return this.#s3(method, url, body);
    return undefined;
  }

  #answer(status: number, headers: Record<string, string> = {}, body = ''): SiteAnswer {
    return { status, headers: { ...cors, ...headers }, body };
  }

  #finish(id: string, session: Session, bytes: Buffer): void {
    this.assembled.push({ protocol: session.protocol, id, bytes, pieces: session.protocol === 's3' ? session.parts.size : session.received.length });
    this.#sessions.delete(id);
  }

  #tus(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer): SiteAnswer {
    const tus = { 'tus-resumable': '1.0.0' };
    if (method === 'POST') {
      const total = Number(headers['upload-length']);
      if (!(total > 0)) return this.#answer(400, tus, 'Upload-Length required');
      const id = randomBytes(6).toString('hex');
      this.#sessions.set(id, { protocol: 'tus', total, received: [], offset: 0, parts: new Map() });
      return this.#answer(201, { ...tus, location: `${url.origin}/files/${id}`, 'upload-offset': '0' });
    }
    const id = url.pathname.split('/').pop() ?? '';
    const session = this.#sessions.get(id);
    if (method !== 'PATCH' || !session) return this.#answer(404, tus);
    if (headers['content-type'] !== 'application/offset+octet-stream') return this.#answer(415, tus);
    if (Number(headers['upload-offset']) !== session.offset) return this.#answer(409, { ...tus, 'upload-offset': String(session.offset) });
    session.received.push(body);
    session.offset += body.length;
    const offset = String(session.offset);
    if (session.offset >= session.total) this.#finish(id, session, Buffer.concat(session.received));
    return this.#answer(204, { ...tus, 'upload-offset': offset });
  }

  #drive(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer): SiteAnswer | undefined {
    if (method === 'POST' && url.searchParams.get('uploadType') === 'resumable') {
      const total = Number(headers['x-upload-content-length']);
      const id = randomBytes(6).toString('hex');
      this.#sessions.set(id, { protocol: 'drive', total, received: [], offset: 0, parts: new Map() });
      return this.#answer(200, { location: `${url.origin}${url.pathname}?uploadType=resumable&upload_id=${id}` });
    }
    const id = url.searchParams.get('upload_id') ?? '';
    const session = this.#sessions.get(id);
    if (method !== 'PUT' || !session) return undefined; // not a session of ours: the plain upload endpoint answers
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(headers['content-range'] ?? ''));
    if (!range || Number(range[1]) !== session.offset || Number(range[3]) !== session.total) return this.#answer(400, {}, 'bad Content-Range');
    session.received.push(body);
    session.offset += body.length;
    if (session.offset < session.total) return this.#answer(308, { range: `bytes=0-${session.offset - 1}` });
    const bytes = Buffer.concat(session.received);
    this.#finish(id, session, bytes);
    return this.#answer(200, { 'content-type': 'application/json' }, JSON.stringify({ id, size: String(bytes.length) }));
  }

  #goog(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer): SiteAnswer {
    const steps = String(headers['x-goog-upload-command']).toLowerCase().split(',').map((step) => step.trim());
    if (method === 'POST' && steps.includes('start')) {
      if (headers['x-goog-upload-protocol'] !== 'resumable') return this.#answer(400, {}, 'X-Goog-Upload-Protocol: resumable required');
      const total = Number(headers['x-goog-upload-header-content-length']);
      const id = randomBytes(8).toString('base64url');
      this.#sessions.set(id, { protocol: 'goog', total, received: [], offset: 0, parts: new Map() });
      return this.#answer(200, {
        'x-goog-upload-status': 'active', 'x-goog-upload-chunk-granularity': '262144',
        'x-goog-upload-url': `${url.origin}${url.pathname}?upload_id=${id}&upload_protocol=resumable`,
      });
    }
    const id = url.searchParams.get('upload_id') ?? '';
    const session = this.#sessions.get(id);
    if (method !== 'POST' || !session) return this.#answer(404, { 'x-goog-upload-status': 'cancelled' });
    if (steps.includes('query')) {
      return this.#answer(200, { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': String(session.offset) });
    }
    if (Number(headers['x-goog-upload-offset']) !== session.offset) {
      return this.#answer(400, { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': String(session.offset) }, 'wrong offset');
    }
    if (steps.includes('upload')) {
      session.received.push(body);
      session.offset += body.length;
    }
    if (!steps.includes('finalize')) return this.#answer(200, { 'x-goog-upload-status': 'active' });
    if (session.offset !== session.total) return this.#answer(400, { 'x-goog-upload-status': 'active' }, 'finalized before every declared byte arrived');
    const bytes = Buffer.concat(session.received);
    this.#finish(id, session, bytes);
    return this.#answer(200, { 'x-goog-upload-status': 'final', 'content-type': 'application/json' }, JSON.stringify({ id, size: String(bytes.length) }));
  }

  #s3(method: string, url: URL, body: Buffer): SiteAnswer {
    const xml = { 'content-type': 'application/xml' };
    if (method === 'POST' && url.searchParams.has('uploads')) {
      const id = randomBytes(9).toString('base64url');
      this.#sessions.set(id, { protocol: 's3', total: 0, received: [], offset: 0, parts: new Map() });
      return this.#answer(200, xml, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Key>${url.pathname}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    const id = url.searchParams.get('uploadId') ?? '';
    const session = this.#sessions.get(id);
    if (!session) return this.#answer(404, xml, '<Error><Code>NoSuchUpload</Code></Error>');
    if (method === 'PUT') {
      const part = Number(url.searchParams.get('partNumber'));
      session.parts.set(part, body);
      return this.#answer(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
    }
    if (method === 'POST') {
      const listed = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
      const bytes = Buffer.concat(listed.map((n) => session.parts.get(n) ?? Buffer.alloc(0)));
      this.#finish(id, session, bytes);
      return this.#answer(200, xml, `<CompleteMultipartUploadResult><Key>${url.pathname}</Key></CompleteMultipartUploadResult>`);
    }
    return this.#answer(405);
  }
}
