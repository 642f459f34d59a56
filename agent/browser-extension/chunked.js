// @ts-check
/* global URL */
/**
 * Mamori upload monitor: folds chunked and resumable uploads into one upload each (loaded by the service worker).
 *
 * A large file often leaves in pieces, and no single request is "the upload". Each protocol says in its own
 * headers which upload a piece belongs to and when the whole file has arrived; this folds pieces by that, from
 * what webRequest shows (URLs, request headers, response headers and status), never from what the page says:
 *
 * | protocol | upload identity | total size | done when |
 * |---|---|---|---|
 * | Content-Range PUTs (incl. Google Drive resumable) | URL without query, plus `upload_id` if present | `Content-Range: bytes a-b/total` (or the session's `X-Upload-Content-Length`) | every byte of the total was sent |
 * | tus 1.0 | the upload URL (`Location` of the creation POST) | `Upload-Length` of the creation | a PATCH answered with `Upload-Offset` = total |
 * | S3 multipart | URL without query, plus `uploadId` | sum of the parts answered 200 (last try per part number); each part's size from `Content-Length`, which Chromium does not show, so from the page hook's note of the body it was handed | the completion POST (`?uploadId=`, no `partNumber`) answered 200 |
 * | Google X-Goog-Upload resumable (Drive web, Photos, Gemini) | the upload URL (`X-Goog-Upload-URL` of the `start` answer) | `X-Goog-Upload-Header-Content-Length` of the `start` (else the finalizing piece's `X-Goog-Upload-Offset` + its noted size) | a `finalize` command answered with `X-Goog-Upload-Status: final` |
 *
 * Pieces are never reported alone. A folded upload is handed to `onDone`; the service worker then pairs it with
 * the file of that total size the user chose in the tab (its hash), as for Content-Range uploads.
 */
(() => {
  /** How long an unfinished upload is kept. */
  const KEEP_MS = 10 * 60 * 1000;
  const MAX_UPLOADS = 200;

  /** @param {string} url */
  function parse(url) {
    try {
      return new URL(url);
    } catch {
      return undefined;
    }
  }
  /** @param {URL} u */
  const bare = (u) => `${u.origin}${u.pathname}`;
  /** @param {any} details @param {string} name */
  const header = (details, name) => details.requestHeaders?.find((/** @type {any} */ h) => h.name.toLowerCase() === name)?.value ?? '';
  /** @param {any} details @param {string} name */
  const responseHeader = (details, name) => details.responseHeaders?.find((/** @type {any} */ h) => h.name.toLowerCase() === name)?.value ?? '';

  /**
   * @typedef {{ protocol: 'resumable' | 'tus' | 's3-multipart' | 'goog-resumable', tabId: number, url: string, total: number,
   *   ranges: [number, number][], parts: Map<number, number>, requestId: string, at: number, pageUrl: string,
   *   done: boolean }} Folded
   * @param {{ onDone: (upload: Folded) => void, pageOf: (details: any) => string, now?: () => number }} options
   */
  function createChunkFolder(options) {
    const now = options.now ?? Date.now;
    /** @type {Map<string, Folded>} */
    const uploads = new Map();
    /** Request id → upload key, for pieces and completions whose answer decides. */
    const pieces = new Map();
    /** tus creations and Drive session starts waiting for their response's Location: request id → total. */
    const creations = new Map();
    /** Upload URLs announced by a creation's Location (tus, Drive session): URL → total. */
    const announced = new Map();
    /** Upload URLs announced by an X-Goog-Upload `start` answer (X-Goog-Upload-URL): URL → declared total (0: none). */
    const googSessions = new Map();
    /** Body sizes the page hook noted for piece URLs: `${tabId} ${url}` → bytes. */
    const noted = new Map();

    const prune = () => {
      const t = now();
      for (const [key, upload] of uploads) if (t - upload.at > KEEP_MS) uploads.delete(key);
      while (uploads.size > MAX_UPLOADS) uploads.delete(uploads.keys().next().value);
      if (pieces.size > 1000) pieces.clear();
      if (announced.size > 1000) announced.clear();
      if (googSessions.size > 1000) googSessions.clear();
    };

    /** @param {string} key @param {Folded['protocol']} protocol @param {any} details @param {string} url @param {number} total */
    const uploadFor = (key, protocol, details, url, total) => {
      let upload = uploads.get(key);
      if (!upload) {
        upload = {
          protocol, tabId: details.tabId, url, total, ranges: [], parts: new Map(), requestId: details.requestId, at: now(),
          pageUrl: options.pageOf(details), done: false,
        };
        uploads.set(key, upload);
        prune();
      }
      upload.at = now();
      return upload;
    };

    /** @param {Folded} upload */
    const finish = (upload) => {
      if (upload.done || !(upload.total > 0)) return;
      upload.done = true;
      options.onDone(upload);
    };

    /**
     * One request of Google's X-Goog-Upload resumable protocol. `start` declares the total and is answered with the
     * upload URL; `upload` pieces carry X-Goog-Upload-Offset; the piece (or bare request) with `finalize` is answered
     * `X-Goog-Upload-Status: final` once the server holds the whole file. A `start, upload, finalize` in one request
     * is a whole-body upload, not a chunked one: false, so the caller treats it as any other upload.
     * @param {any} details @param {URL} u @param {string[]} steps
     */
    const googStep = (details, u, steps) => {
      if (steps.includes('start')) {
        if (steps.includes('upload') && steps.includes('finalize')) return false;
        const declared = Number(header(details, 'x-goog-upload-header-content-length'));
        creations.set(details.requestId, { total: declared > 0 ? declared : 0, goog: true });
        return true;
      }
      const key = `goog ${details.tabId} ${u.href}`;
      if (steps.includes('cancel')) {
        uploads.delete(key);
        return true;
      }
      // A session whose start this worker never saw (started before it woke) has no known total: folded, no record.
      const declared = googSessions.get(u.href);
      if (declared === undefined || !(steps.includes('upload') || steps.includes('finalize'))) return true;
      uploadFor(key, 'goog-resumable', details, bare(u), declared);
      if (steps.includes('finalize')) {
        pieces.set(details.requestId, {
          key, goog: true, offset: Number(header(details, 'x-goog-upload-offset')), carries: steps.includes('upload'),
          href: u.href, tabId: details.tabId,
        });
      }
      return true;
    };

    return {
      /**
       * Called from onBeforeRequest. True when the request is a piece or a step of a chunked upload, so the caller
       * must not treat its body as an upload of its own.
       * @param {any} details
       */
      isPiece(details) {
        const u = parse(details.url);
        if (!u || details.tabId < 0) return false;
        const method = details.method;
        if (u.searchParams.has('uploadId') || (method === 'POST' && u.searchParams.has('uploads'))) return true; // S3 multipart
        if (announced.has(u.href) && (method === 'PATCH' || method === 'PUT')) return true; // tus / Drive session
        if (googSessions.has(u.href) && (method === 'POST' || method === 'PUT')) return true; // X-Goog-Upload session
        if (method === 'PUT' && u.searchParams.has('upload_id')) return true; // Drive resumable
        return false;
      },

      /**
       * Called from onSendHeaders (request headers, final). True when the request belongs to a chunked upload.
       * @param {any} details
       */
      onSendHeaders(details) {
        const u = parse(details.url);
        if (!u || details.tabId < 0 || !/^(POST|PUT|PATCH)$/.test(details.method)) return false;
        // S3 multipart: a part (PUT ?partNumber&uploadId) or the completion (POST ?uploadId).
        const uploadId = u.searchParams.get('uploadId');
        if (uploadId) {
          const key = `s3 ${details.tabId} ${bare(u)} ${uploadId}`;
          uploadFor(key, 's3-multipart', details, bare(u), 0);
          const part = Number(u.searchParams.get('partNumber'));
          if (details.method === 'PUT' && Number.isInteger(part) && part > 0) {
            // Chrome shows neither a Blob body nor its Content-Length to webRequest: the size comes from
            // Content-Length where a browser gives it, else from the page hook's note of the body it was handed.
            const size = Number(header(details, 'content-length'));
            pieces.set(details.requestId, { key, part, href: u.href, tabId: details.tabId, size: size > 0 ? size : 0 });
          } else if (details.method === 'POST') {
            pieces.set(details.requestId, { key, complete: true });
          }
          return true;
        }
        if (details.method === 'POST' && u.searchParams.has('uploads')) return true; // S3 initiation: no body
        // Google's X-Goog-Upload protocol: every request of it names its command (start, upload, finalize, query).
        const command = header(details, 'x-goog-upload-command').toLowerCase();
        if (command) return googStep(details, u, command.split(',').map((step) => step.trim()));
        // tus creation, and a Drive resumable session start: the total now, the upload URL in the response.
        const declared = Number(header(details, 'upload-length') || header(details, 'x-upload-content-length'));
        if (details.method === 'POST' && declared > 0) {
          creations.set(details.requestId, { total: declared, tus: header(details, 'upload-length') !== '' });
          // tus "creation with upload" carries the first bytes; its answer's Upload-Offset says how far it got.
          return header(details, 'upload-length') !== '';
        }
        // tus PATCH: identified by the URL a creation announced, or by its own Upload-Offset header.
        const offset = header(details, 'upload-offset');
        if (details.method === 'PATCH' && offset !== '') {
          const total = announced.get(u.href) ?? Number(header(details, 'upload-length'));
          const key = `tus ${details.tabId} ${u.href}`;
          const upload = uploadFor(key, 'tus', details, bare(u), total > 0 ? total : 0);
          if (total > 0) upload.total = total;
          pieces.set(details.requestId, { key, tus: true });
          return true;
        }
        // Content-Range PUT/POST (Google Drive resumable and others): folded by URL (+ upload_id) and total.
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(header(details, 'content-range').trim());
        if (range) {
          const start = Number(range[1]);
          const end = Number(range[2]);
          const total = range[3] === '*' ? (announced.get(u.href) ?? 0) : Number(range[3]);
          if (!(end >= start && total > 0 && end < total)) return true;
          const session = u.searchParams.get('upload_id');
          const key = `range ${details.tabId} ${bare(u)} ${session ?? ''} ${total}`;
          const upload = uploadFor(key, 'resumable', details, bare(u), total);
          upload.ranges.push([start, end + 1]);
          upload.ranges.sort((a, b) => a[0] - b[0]);
          let covered = 0;
          for (const [s, e] of upload.ranges) if (s <= covered) covered = Math.max(covered, e);
          if (covered >= total) finish(upload);
          return true;
        }
        return false;
      },

      /**
       * Called from onHeadersReceived: the server's answer decides tus and S3 completion, and names the upload URL
       * of a tus creation or a Drive session.
       * @param {any} details
       */
      onHeadersReceived(details) {
        const creation = creations.get(details.requestId);
        if (creation?.goog) {
          creations.delete(details.requestId);
          const location = responseHeader(details, 'x-goog-upload-url');
          const target = location ? parse(new URL(location, details.url).href) : undefined;
          if (target && details.statusCode < 400) {
            googSessions.set(target.href, creation.total);
            if (googSessions.size > 1000) googSessions.delete(googSessions.keys().next().value);
          }
          return;
        }
        if (creation) {
          creations.delete(details.requestId);
          const location = responseHeader(details, 'location');
          const target = location ? parse(new URL(location, details.url).href) : undefined;
          if (target && details.statusCode < 400) {
            announced.set(target.href, creation.total);
            if (creation.tus) {
              const upload = uploadFor(`tus ${details.tabId} ${target.href}`, 'tus', details, bare(target), creation.total);
              const offset = Number(responseHeader(details, 'upload-offset'));
              if (offset === creation.total) finish(upload);
            }
          }
          return;
        }
        const piece = pieces.get(details.requestId);
        if (!piece) return;
        pieces.delete(details.requestId);
        const upload = uploads.get(piece.key);
        if (!upload || details.statusCode >= 400) return;
        if (piece.goog) {
          if (responseHeader(details, 'x-goog-upload-status').toLowerCase() !== 'final') return;
          // Without a declared total: the finalizing piece's offset plus its body (the page hook's note of it).
          const last = piece.carries ? noted.get(`${piece.tabId} ${piece.href}`) : 0;
          if (!(upload.total > 0) && Number.isInteger(piece.offset) && piece.offset >= 0 && last !== undefined) upload.total = piece.offset + last;
          finish(upload);
        } else if (piece.tus) {
          const offset = Number(responseHeader(details, 'upload-offset'));
          if (upload.total > 0 && offset === upload.total) finish(upload);
        } else if (piece.part) {
          upload.parts.set(piece.part, piece); // a retried part replaces the earlier try
        } else if (piece.complete) {
          let total = 0;
          for (const part of upload.parts.values()) {
            const size = part.size || noted.get(`${part.tabId} ${part.href}`) || 0;
            if (!(size > 0)) return; // a part of unknown size: no total, no record (never a wrong one)
            total += size;
          }
          upload.total = total;
          finish(upload);
        }
      },

      /**
       * The page hook's note of a piece's body size (S3 parts: webRequest shows neither body nor Content-Length).
       * It is the page's word, used only to add up the parts of an upload the server confirmed piece by piece;
       * the hash always comes from a file the user chose whose size is that total.
       * @param {number} tabId @param {string} url @param {number} size
       */
      noteSize(tabId, url, size) {
        if (!(Number.isInteger(size) && size >= 0)) return;
        noted.set(`${tabId} ${url}`, size);
        if (noted.size > 5000) noted.delete(noted.keys().next().value);
      },

      /** Unfinished uploads (for the extension's health detail and tests). */
      pending() {
        return [...uploads.values()].filter((u) => !u.done).length;
      },
    };
  }

  /** @type {any} */ (globalThis).mamoriChunks = { createChunkFolder };
})();
