import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { ensureDebianPackages } from '../../../../test/harness/system-packages.ts';
import { NoticeDriver, UploadLab } from './testing/upload-lab.ts';

/**
 * Files pasted into a page (a screenshot pasted into a chat or AI app), in a real Chromium with the extension and
 * the shipped policy: recorded like a chosen file (method paste+…, size and SHA-256 of what the site received),
 * and blocked like a file input on a blocked site (the page never sees the paste). The paste is a real one: an
 * image put on the browser's clipboard, then Ctrl+V typed into the page (a trusted paste whose clipboardData
 * carries the image as a File, as when a user pastes a screenshot).
 */
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!haveChromium)('files pasted into a page, in a real Chromium', () => {
  let lab: UploadLab;

  beforeAll(async () => {
    lab = await UploadLab.start(loadPolicyDir(defaultPolicyDir));
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
  });

  /** Opens the paste page on `host` (uploading to `host`), puts a PNG on the clipboard and pastes it with Ctrl+V. */
  async function pasteImage(host: string, via = 'blob'): Promise<Page> {
    await lab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `https://${host}:${lab.sitePort}` });
    const page = await lab.open('paste', host, { target: lab.url(host, '/upload/attachments'), via });
    await page.bringToFront();
    await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 120;
      canvas.height = 40;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#c62828';
      g.fillRect(0, 0, 120, 40);
      g.fillStyle = '#fff';
      g.fillText('顧客一覧 confidential', 6, 24);
      const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
    });
    await page.locator('#box').focus();
    await page.keyboard.press('Control+V');
    return page;
  }

  it('records a pasted file like a chosen one: once, paste+blob, with the size and hash of the bytes the site received', async () => {
    const host = 'chat.example.com'; // uncategorised: allowed, still recorded
    const page = await pasteImage(host, 'blob');
    await page.locator('#status', { hasText: 'sent 200' }).waitFor({ timeout: 15_000 });
    await lab.until(() => lab.received.some((r) => r.host === host), 'the site to receive the pasted image');
    const sent = lab.received.filter((r) => r.host === host);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    await lab.until(() => lab.uploads().some((u) => u.destinationHost === host), 'the upload record');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const records = lab.uploads().filter((u) => u.destinationHost === host);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      method: 'paste+blob', fileName: 'image.png', sizeBytes: sent[0]!.bytes.length, sha256: sha256(sent[0]!.bytes),
      destinationUrl: lab.url(host, '/upload/attachments'), category: 'uncategorised',
    });
    await page.close();
  });

  it('records a pasted file sent in a FormData: once, paste+formdata, with the size and hash of the pasted file', async () => {
    const host = 'notes.example.com';
    const page = await pasteImage(host, 'formdata');
    await page.locator('#status', { hasText: 'sent 200' }).waitFor({ timeout: 15_000 });
    const sent = lab.received.filter((r) => r.host === host);
    expect(sent).toHaveLength(1);
    // The site got a multipart body: the pasted PNG is the one part between its boundaries.
    const start = sent[0]!.bytes.indexOf(Buffer.from('\x89PNG', 'latin1'));
    const end = sent[0]!.bytes.lastIndexOf(Buffer.from('\r\n--'));
    expect(start).toBeGreaterThan(0);
    const png = sent[0]!.bytes.subarray(start, end);
    await lab.until(() => lab.uploads().some((u) => u.destinationHost === host), 'the upload record');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const records = lab.uploads().filter((u) => u.destinationHost === host);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ method: 'paste+formdata', fileName: 'image.png', sizeBytes: png.length, sha256: sha256(png) });
    await page.close();
  });

  it('blocks a paste of files into a blocked site like a file input: the page never gets it, the notice says why', async () => {
    const host = 'firestorage.jp'; // file_transfer: blocked by the shipped policy
    const page = await pasteImage(host);
    const notice = await NoticeDriver.for(page);
    await lab.until(async () => (await notice.text()).includes('Uploading files to this site is blocked'), 'the block notice');
    expect(await notice.text()).toContain('image.png');
    await lab.until(() => lab.decisions().some((d) => d.decision === 'block' && (d.detail ?? '').includes('via paste')), 'the block event');
    expect(lab.decisions().filter((d) => d.decision === 'block')).toEqual([expect.objectContaining({
      subject: 'upload', rule: 'upload.enforcement.categories.file_transfer',
      detail: expect.stringMatching(/^image\.png \(\d+ bytes\) via paste into firestorage\.jp \(file_transfer\)$/),
    })]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await page.locator('#status').textContent()).toBe(''); // the page's paste listener never ran
    expect(lab.received.filter((r) => r.host === host)).toEqual([]);
    expect(lab.uploads().filter((u) => u.destinationHost === host)).toEqual([]);
    await page.close();
  });
});
