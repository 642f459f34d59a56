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

  it('X-Goog-Upload: one upload of the declared total, done only when a finalize is answered "final"', () => {
    const { api, done } = folder();
    const start = request('POST', 'https://clients6.google.com/upload/drive/v2internal/files?uploadType=resumable', {
      'X-Goog-Upload-Protocol': 'resumable', 'X-Goog-Upload-Command': 'start', 'X-Goog-Upload-Header-Content-Length': '300',
    });
    expect(api.isPiece(start)).toBe(false);
    expect(api.onSendHeaders(start)).toBe(true); // a step, never an upload of its own (its body is metadata)
    const session = 'https://clients6.google.com/upload/drive/v2internal/files?upload_id=S1&upload_protocol=resumable';
    api.onHeadersReceived(answer(start, 200, { 'X-Goog-Upload-URL': session, 'X-Goog-Upload-Status': 'active' }));
    const send = (command: string, offset: number, status: number, uploadStatus: string) => {
      const r = request('POST', session, { 'X-Goog-Upload-Command': command, 'X-Goog-Upload-Offset': String(offset) });
      expect(api.isPiece(r)).toBe(true);
      expect(api.onSendHeaders(r)).toBe(true);
      api.onHeadersReceived(answer(r, status, { 'X-Goog-Upload-Status': uploadStatus }));
    };
    send('upload', 0, 200, 'active');
    send('upload', 100, 200, 'active');
    send('upload, finalize', 200, 400, 'active'); // refused: not done
    expect(done).toEqual([]);
    send('upload, finalize', 200, 200, 'final');
    send('upload, finalize', 200, 200, 'final'); // a repeat answer changes nothing
    expect(done).toEqual([{ protocol: 'goog-resumable', total: 300, url: 'https://clients6.google.com/upload/drive/v2internal/files' }]);
  });

  it('X-Goog-Upload: without a declared total, the finalizing piece’s offset plus its noted size; "start, upload, finalize" is a whole upload', () => {
    const { api, done } = folder();
    const start = request('POST', 'https://photos.google.com/_/upload/uploadmedia/interactive', { 'X-Goog-Upload-Protocol': 'resumable', 'X-Goog-Upload-Command': 'start' });
    api.onSendHeaders(start);
    const session = 'https://photos.google.com/_/upload/uploadmedia/interactive?upload_id=P1';
    api.onHeadersReceived(answer(start, 200, { 'X-Goog-Upload-URL': session }));
    const last = request('POST', session, { 'X-Goog-Upload-Command': 'upload, finalize', 'X-Goog-Upload-Offset': '1000' });
    api.noteSize(7, session, 234);
    expect(api.onSendHeaders(last)).toBe(true);
    api.onHeadersReceived(answer(last, 200, { 'X-Goog-Upload-Status': 'final' }));
    expect(done).toEqual([{ protocol: 'goog-resumable', total: 1234, url: 'https://photos.google.com/_/upload/uploadmedia/interactive' }]);

    const whole = request('POST', 'https://photos.google.com/_/upload/uploadmedia/interactive', {
      'X-Goog-Upload-Protocol': 'resumable', 'X-Goog-Upload-Command': 'start, upload, finalize', 'X-Goog-Upload-Header-Content-Length': '50',
    });
    expect(api.onSendHeaders(whole)).toBe(false);
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
