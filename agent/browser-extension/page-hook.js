// @ts-check
/* global document, window, location, CustomEvent, Request, XMLHttpRequest, Blob, File, FormData, URL, Headers, setTimeout */
/**
 * Mamori upload monitor: runs in the page's own JavaScript world (MAIN), before the page's scripts.
 *
 * Why: when a page sends a File or Blob as the whole body of fetch() or XMLHttpRequest, Chrome's webRequest
 * shows the request but not its body (requestBody.error), so the service worker cannot tell which file left.
 * This hook says "a Blob of this name and size is being sent to this URL". It lives in the page's world, so the
 * page can see, remove or fake it: the hint is only used to pick, among files the user really chose in this
 * tab (trusted input/drop events seen by the isolated content script), the one that a real body-carrying request
 * (seen by webRequest) sent. A fake hint without both of those records nothing. For a Blob the page built
 * itself (whole body, or a FormData part webRequest shows without bytes) the bytes are lent through a blob: URL
 * and hashed: a record needs a real request of this tab to that URL with a body webRequest could not show (for a
 * FormData, a part of that very name), and its size and hash are of the Blob handed to fetch/XHR.
 */
(() => {
  // Taken now, before any page script can replace them.
  const createObjectURL = URL.createObjectURL.bind(URL);
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  const setTimer = setTimeout;
  const formDataEntries = FormData.prototype.entries;
  /**
   * Names the Blob being sent and lends its bytes to the content script through a blob: URL (readable only by
   * this origin, revoked after a minute), so the record carries the hash of the bytes really sent, also for a
   * Blob the page built itself. A piece of a chunked upload (Content-Range, Upload-Offset or X-Goog-Upload-Offset
   * set, an S3 part or a Drive session URL) is not hinted: the service worker folds pieces into one record (chunked.js).
   * @param {unknown} body @param {string} url @param {boolean} ranged
   */
  const hint = (body, url, ranged) => {
    if (ranged) {
      // A piece of a chunked upload: only its size is noted (S3 parts: webRequest shows neither body nor length).
      const size = body instanceof Blob ? body.size : body instanceof ArrayBuffer || ArrayBuffer.isView(body) ? body.byteLength : undefined;
      try {
        if (size !== undefined) document.dispatchEvent(new CustomEvent('mamori:upload-piece', { detail: JSON.stringify({ url: new URL(url, location.href).href, size }) }));
      } catch {
        // never break the page
      }
      return;
    }
    if (body instanceof FormData) {
      // Chromium's webRequest shows a FormData's in-memory Blob parts as headers without bytes: each Blob part is
      // lent the same way, named as in the multipart body (a Blob appended with a file name is a File in the
      // FormData; one without is named "blob"), so the service worker can pair it with that part of the request.
      try {
        let count = 0;
        for (const [, value] of formDataEntries.call(body)) {
          if (!(value instanceof Blob)) continue;
          if ((count += 1) > 100) break;
          lend(value, value instanceof File ? value.name : 'blob', url, true);
        }
      } catch {
        // never break the page
      }
      return;
    }
    if (body instanceof Blob) lend(body, body instanceof File ? body.name : '', url, false);
  };
  /** @param {Blob} blob @param {string} name @param {string} url @param {boolean} part a FormData part, not the whole body */
  const lend = (blob, name, url, part) => {
    try {
      const blobUrl = createObjectURL(blob);
      setTimer(() => revokeObjectURL(blobUrl), 60_000);
      const detail = JSON.stringify({ name, size: blob.size, url: new URL(url, location.href).href, blobUrl, ...(part ? { part: true } : {}) });
      document.dispatchEvent(new CustomEvent('mamori:blob-upload', { detail }));
    } catch {
      // never break the page
    }
  };
  /** Headers only a piece of a chunked upload carries (Content-Range, tus, Google's X-Goog-Upload protocol). */
  const PIECE_HEADERS = ['content-range', 'upload-offset', 'x-goog-upload-offset'];
  /** @param {unknown} headers */
  const hasRange = (headers) => {
    try {
      const h = new Headers(/** @type {any} */ (headers ?? {}));
      return PIECE_HEADERS.some((name) => h.has(name));
    } catch {
      return false;
    }
  };
  /** A piece of a chunked upload by its URL (S3 multipart part or completion, a Drive resumable session). */
  const pieceUrl = (/** @type {string} */ url) => {
    try {
      const query = new URL(url, location.href).searchParams;
      return query.has('uploadId') || query.has('upload_id');
    } catch {
      return false;
    }
  };
  const originalFetch = window.fetch;
  window.fetch = function fetch(input, init) {
    try {
      const url = input instanceof Request ? input.url : String(input);
      hint(init?.body, url, hasRange(init?.headers) || (input instanceof Request && hasRange(input.headers)) || pieceUrl(url));
    } catch {
      // as above
    }
    return originalFetch.apply(this, /** @type {any} */ (arguments));
  };
  const urls = new WeakMap();
  const ranged = new WeakSet();
  const originalOpen = XMLHttpRequest.prototype.open;
  const originalSend = XMLHttpRequest.prototype.send;
  const originalSetHeader = XMLHttpRequest.prototype.setRequestHeader;
  XMLHttpRequest.prototype.setRequestHeader = function setRequestHeader(name) {
    if (PIECE_HEADERS.includes(String(name).toLowerCase())) ranged.add(this);
    return originalSetHeader.apply(this, /** @type {any} */ (arguments));
  };
  XMLHttpRequest.prototype.open = function open(_method, url) {
    urls.set(this, String(url));
    return originalOpen.apply(this, /** @type {any} */ (arguments));
  };
  XMLHttpRequest.prototype.send = function send(body) {
    hint(body, urls.get(this) ?? '', ranged.has(this) || pieceUrl(urls.get(this) ?? ''));
    return originalSend.apply(this, /** @type {any} */ (arguments));
  };
})();
