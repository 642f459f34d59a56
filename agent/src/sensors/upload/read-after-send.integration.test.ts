import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDir, defaultUploadEnforcement, loadPolicyDir } from '@mamori/policies';
import { ensureDebianPackages } from '../../../../test/harness/system-packages.ts';
import { UploadLab } from './testing/upload-lab.ts';

/**
 * A file the browser sends by path (FormData) is hashed by the agent from disk. The agent must not read it while
 * the browser is still sending it (both would compete for the CPU, and nice does not separate the agent's service
 * from the user's session): the report reaches the agent when the request has ended — answered, or cut off.
 */
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!haveChromium)('a path-carrying upload is hashed once the browser has sent it', () => {
  let lab: UploadLab;
  /** For each upload record, as the agent made it: how many bytes the site had received by then. */
  const siteHadAtRecord = new Map<string, number>();
  /** A site that reads every body and never answers. */
  let silent: Server;
  let silentPort = 0;

  beforeAll(async () => {
    const shipped = loadPolicyDir(defaultPolicyDir);
    lab = await UploadLab.start({ ...shipped, upload: { ...shipped.upload, enforcement: defaultUploadEnforcement } }, {
      forward: (draft) => {
        if (draft.upload) siteHadAtRecord.set(draft.upload.fileName ?? '', Math.max(0, ...lab.received.map((r) => r.bytes.length)));
      },
    });
    silent = createServer({ key: readFileSync(join(lab.work, 'key.pem')), cert: readFileSync(join(lab.work, 'cert.pem')) }, (request) => {
      request.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    silent?.closeAllConnections();
    silent?.close();
    await lab?.close();
  });

  const bigFile = (name: string) => {
    const path = join(lab.work, name);
    const bytes = randomBytes(48 * 1024 * 1024);
    writeFileSync(path, bytes);
    return { path, bytes };
  };

  it('records a 48 MB FormData upload with the file’s hash only after the site has received all of it', async () => {
    const { path, bytes } = bigFile('survey-export.bin');
    const page = await lab.open('input', 'app.example.com', { target: lab.url('files.example.com', '/upload') });
    await page.locator('#file').setInputFiles(path);
    await page.locator('#status', { hasText: 'sent 200' }).waitFor({ timeout: 60_000 });
    await lab.until(() => lab.uploads().some((u) => u.fileName === 'survey-export.bin'), 'the upload record');
    await page.close();
    expect(lab.uploads().filter((u) => u.fileName === 'survey-export.bin')).toEqual([expect.objectContaining({
      sizeBytes: bytes.length, sha256: sha256(bytes), method: 'input+formdata', localPath: path,
      destinationUrl: lab.url('files.example.com', '/upload'),
    })]);
    // The multipart body is the file plus its part headers.
    expect(siteHadAtRecord.get('survey-export.bin')).toBeGreaterThan(bytes.length);
  }, 90_000);

  it('still records an upload cut off before the site answered (page closed), with the file’s hash', async () => {
    const { path, bytes } = bigFile('cut-off.bin');
    const target = `https://silent.example.com:${silentPort}/upload`;
    const page = await lab.open('input', 'app.example.com', { target });
    const sent = page.waitForRequest(target);
    await page.locator('#file').setInputFiles(path);
    await sent;
    await page.close();
    await lab.until(() => lab.uploads().some((u) => u.fileName === 'cut-off.bin'), 'the record of the cut-off upload');
    expect(lab.uploads().filter((u) => u.fileName === 'cut-off.bin')).toEqual([expect.objectContaining({
      sizeBytes: bytes.length, sha256: sha256(bytes), method: 'input+formdata', destinationUrl: target,
    })]);
  }, 90_000);
});
