import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDir, defaultUploadEnforcement, loadPolicyDir } from '@mamori/policies';
import { ensureDebianPackages } from '../../../../test/harness/system-packages.ts';
import { UploadLab } from './testing/upload-lab.ts';

/**
 * Chunked upload protocols in a real Chromium with the extension: a page runs the tus, Google Drive resumable,
 * Google X-Goog-Upload and S3 multipart client flows against a local site that speaks each protocol
 * (testing/chunked-protocol-site.ts).
 * Each upload must be ONE record with the total size and the SHA-256 of the whole file, checked against what the
 * site assembled; no piece may be recorded on its own.
 */
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!haveChromium)('chunked uploads folded into one record, in a real Chromium', () => {
  let lab: UploadLab;

  beforeAll(async () => {
    const shipped = loadPolicyDir(defaultPolicyDir);
    lab = await UploadLab.start({ ...shipped, upload: { ...shipped.upload, enforcement: defaultUploadEnforcement } });
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
  });

  it.each([
    ['tus', 'tus.example.com', 'input+tus', '/files/'],
    ['drive', 'www.googleapis.com', 'input+resumable', '/upload/drive/v3/files'],
    ['s3', 's3.ap-northeast-1.amazonaws.com', 'input+s3-multipart', '/mamori-bucket/'],
  ])('%s: one record with the total size and the whole file’s hash', async (protocol, host, method, path) => {
    const name = `ledger-${protocol}.bin`;
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 12_345);
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE(((i + protocol.length) * 2654435761) >>> 0, i);
    writeFileSync(join(lab.work, name), bytes);
    const page = await lab.open('chunked', 'app.example.com', { target: `https://${host}:${lab.sitePort}`, protocol, chunk: String(1024 * 1024) });
    await page.locator('#file').setInputFiles(join(lab.work, name));
    await page.locator('#send').click();
    await page.locator('#status', { hasText: /done|failed/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#status').textContent()).toBe('done');
    const assembled = lab.protocols.assembled.find((a) => a.protocol === protocol);
    expect(assembled && sha256(assembled.bytes)).toBe(sha256(bytes)); // the site really got the file, in 4 pieces

    await lab.until(() => lab.uploads().some((u) => u.fileName === name), `the ${protocol} upload record`);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a stray per-piece record to show up
    const records = lab.uploads().filter((u) => u.destinationHost === host);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ fileName: name, sizeBytes: bytes.length, sha256: sha256(bytes), method });
    expect((records[0]?.destinationUrl ?? '').startsWith(`https://${host}:${lab.sitePort}${path}`)).toBe(true);
    await page.close();
  });

  it('Google X-Goog-Upload (Drive web client): a 30 MB file in three pieces is one record with its size and hash', async () => {
    const host = 'clients6.google.com';
    const name = 'quarterly-export.zip';
    const piece = 10 * 1024 * 1024;
    const bytes = Buffer.alloc(30 * 1000 * 1000);
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE((i * 2246822519) >>> 0, i);
    writeFileSync(join(lab.work, name), bytes);
    const before = lab.received.length;
    const page = await lab.open('chunked', 'app.example.com', { target: `https://${host}:${lab.sitePort}`, protocol: 'goog', chunk: String(piece) });
    await page.locator('#file').setInputFiles(join(lab.work, name));
    await page.locator('#send').click();
    await page.locator('#status', { hasText: /done|failed/ }).waitFor({ timeout: 60_000 });
    expect(await page.locator('#status').textContent()).toBe('done');
    const assembled = lab.protocols.assembled.find((a) => a.protocol === 'goog');
    expect(assembled && sha256(assembled.bytes)).toBe(sha256(bytes));
    expect(assembled?.pieces).toBe(3); // the site got it in three upload commands
    expect(lab.received.length).toBe(before); // every request was the protocol's, none a plain upload

    await lab.until(() => lab.uploads().some((u) => u.fileName === name), 'the X-Goog-Upload record', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a stray per-piece record to show up
    const records = lab.uploads().filter((u) => u.destinationHost === host);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ fileName: name, sizeBytes: bytes.length, sha256: sha256(bytes), method: 'input+goog-resumable' });
    expect(records[0]?.destinationUrl).toBe(`https://${host}:${lab.sitePort}/upload/drive/v2internal/files`);
    await page.close();
  }, 90_000);
});
