import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

/** browser-extension/chunked.js run as the service worker runs it, fed the webRequest details Chromium gives. */
function folder() {
  const sandbox: Record<string, unknown> = { URL };
  runInNewContext(readFileSync(new URL('../../../../browser-extension/chunked.js', import.meta.url), 'utf8'), { globalThis: sandbox, URL });
  const done: { protocol: string; total: number; url: string }[] = [];
  const api = (sandbox.mamoriChunks as { createChunkFolder(o: object): Folder }).createChunkFolder({ onDone: (u: { protocol: string; total: number; url: string }) => done.push({ protocol: u.protocol, total: u.total, url: u.url }), pageOf: () => '' });
  return { api, done };
}
interface Folder {
  isPiece(d: object): boolean;
  onSendHeaders(d: object): boolean;
  onHeadersReceived(d: object): void;
  noteSize(tabId: number, url: string, size: number): void;
}
let id = 0;
const request = (method: string, url: string, headers: Record<string, string> = {}) => ({
  requestId: String(++id), tabId: 7, method, url, requestHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
});
const answer = (r: { requestId: string; url: string }, statusCode: number, headers: Record<string, string> = {}) => ({
  ...r, statusCode, responseHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
});

describe('chunked.js folds pieces by what each protocol says', () => {
  it('S3: a retried part counts once, and a part of unknown size means no record rather than a wrong total', () => {
    const { api, done } = folder();
    const base = 'https://s3.example.com/b/k';
    const put = (n: number, size: number, status = 200) => {
      const r = request('PUT', `${base}?partNumber=${n}&uploadId=U1`);
      expect(api.isPiece(r)).toBe(true);
      api.noteSize(7, r.url, size);
      expect(api.onSendHeaders(r)).toBe(true);
      api.onHeadersReceived(answer(r, status));
    };
    put(1, 100, 500); // failed try
    put(1, 100);
    put(2, 50);
    const complete = request('POST', `${base}?uploadId=U1`);
    api.onSendHeaders(complete);
    api.onHeadersReceived(answer(complete, 200));
    expect(done).toEqual([{ protocol: 's3-multipart', total: 150, url: base }]);

    const r = request('PUT', `${base}?partNumber=1&uploadId=U2`); // no size noted anywhere
    api.onSendHeaders(r);
    api.onHeadersReceived(answer(r, 200));
    const c2 = request('POST', `${base}?uploadId=U2`);
    api.onSendHeaders(c2);
    api.onHeadersReceived(answer(c2, 200));
    expect(done).toHaveLength(1);
  });

  it('tus: done only when the server answers an Upload-Offset equal to the creation’s Upload-Length', () => {
    const { api, done } = folder();
    const create = request('POST', 'https://tus.example.com/files/', { 'Upload-Length': '300' });
    api.onSendHeaders(create);
    api.onHeadersReceived(answer(create, 201, { Location: '/files/abc' }));
    const patch = (offset: number, status: number, newOffset: number) => {
      const r = request('PATCH', 'https://tus.example.com/files/abc', { 'Upload-Offset': String(offset) });
      expect(api.isPiece(r)).toBe(true);
      expect(api.onSendHeaders(r)).toBe(true);
      api.onHeadersReceived(answer(r, status, { 'Upload-Offset': String(newOffset) }));
    };
    patch(0, 204, 200);
    patch(0, 409, 200); // a conflicting try changes nothing
    expect(done).toEqual([]);
    patch(200, 204, 300);
    expect(done).toEqual([{ protocol: 'tus', total: 300, url: 'https://tus.example.com/files/abc' }]);
  });

  it('Content-Range: two Drive sessions of the same size to the same URL stay two uploads', () => {
    const { api, done } = folder();
    for (const session of ['A', 'B']) {
      const r = request('PUT', `https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=${session}`, { 'Content-Range': 'bytes 0-99/200' });
      expect(api.onSendHeaders(r)).toBe(true);
    }
    expect(done).toEqual([]);
    const last = request('PUT', 'https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=A', { 'Content-Range': 'bytes 100-199/200' });
    api.onSendHeaders(last);
    expect(done).toEqual([{ protocol: 'resumable', total: 200, url: 'https://www.googleapis.com/upload/drive/v3/files' }]);
  });
});
