import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectivePolicyFor, PolicySetSchema } from '@mamori/policies';
import type { EventDraft } from '../../core/event-draft.ts';
import { PolicyHolder } from '../../core/policy-holder.ts';
import { UploadSensorConfigSchema } from '../../sensors/upload/common/config.ts';
import { UploadSensor } from '../../sensors/upload/common/upload-sensor.ts';
import { NodeFileHasher } from '../../sensors/upload/node/file-hasher.ts';
import { UserFileHasher } from '../../sensors/upload/node/user-file-hasher.ts';
import { ensureDebianPackages } from '../../../../test/harness/system-packages.ts';
import { BrowserBridgeServer } from './bridge-server.ts';
import { SockDiagPeerIdentifier } from './linux-peer.ts';

/**
 * "Only the browser reports", against the real socket, the real native host script and real processes: a local
 * process that is not the browser (here: running the host itself, or dialling the socket) records nothing, and a
 * report relayed for an unprivileged user never gets a file hashed that this user cannot read.
 * Needs root (to run processes as `nobody` and switch uid for hashing).
 */
const nativeHost = fileURLToPath(new URL('../../../native-host/mamori-native-host.mjs', import.meta.url));
const NOBODY = 65534;

/** Frames messages as Chrome does for a native host, runs it, collects its framed answers. */
function runHost(socketPath: string, messages: unknown[], options: { uid?: number; gid?: number } = {}): Promise<unknown[]> {
  const child = spawn(process.execPath, [nativeHost, 'chrome-extension://ngdcehmcbbbcfbpeoeboiacioikbokfc/'], {
    env: { ...process.env, MAMORI_BROWSER_SOCKET: socketPath }, stdio: ['pipe', 'pipe', 'inherit'], ...options,
  });
  const answers: unknown[] = [];
  let buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32LE(0)) {
      answers.push(JSON.parse(buffer.subarray(4, 4 + buffer.readUInt32LE(0)).toString('utf8')));
      buffer = buffer.subarray(4 + buffer.readUInt32LE(0));
    }
  });
  for (const message of messages) {
    const body = Buffer.from(JSON.stringify(message));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length);
    child.stdin.write(Buffer.concat([header, body]));
  }
  const timer = setTimeout(() => child.stdin.end(), 3000);
  return new Promise((resolve) => child.on('close', () => { clearTimeout(timer); resolve(answers); }));
}

const hello = { profileId: 'profile-0001', browser: 'chromium', extensionVersion: '0.1.0' };
const report = (path: string, reportId: string) => ({
  reportId, profileId: 'profile-0001', browser: 'chromium', pageUrl: 'https://www.example.com/', destinationUrl: 'https://firestorage.jp/upload',
  transport: 'formdata', files: [{ path, name: 'secret.txt', selectedBy: 'input' }],
});

const haveSs = ensureDebianPackages(['iproute2'], ['ss']);

// Needs root (to run the host as another user); with CI=true it runs and fails rather than skip.
describe.skipIf((process.env.CI !== 'true' && process.getuid?.() !== 0) || !haveSs)('the browser bridge: only the browser reports, hashing as the user', () => {
  let work: string;
  const events: EventDraft[] = [];
  const refused: string[] = [];
  const abort = new AbortController();
  let socketPath: string;
  let rootOnly: string;
  let shared: string;
  let hiddenInDir: string;

  async function startAgent(browserExecutables: string[]) {
    socketPath = join(work, `sock-${browserExecutables.length}-${Date.now()}`, 'browser.sock');
    const bridge = new BrowserBridgeServer({ socketPath, identifier: new SockDiagPeerIdentifier(), browserExecutables, onRefused: (reason) => refused.push(reason) });
    const set = PolicySetSchema.parse({ categories: { file_transfer: ['firestorage.jp'] } });
    const sensor = new UploadSensor({
      routes: undefined, bridge, userHasher: new UserFileHasher(), hasher: new NodeFileHasher(),
      config: UploadSensorConfigSchema.parse({}), policy: new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1)), currentUser: () => 'alice',
    });
    await sensor.start((draft) => { events.push(draft); return events.length; }, abort.signal);
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mamori-bridge-'));
    chmodSync(work, 0o755);
    rootOnly = join(work, 'root-only.txt');
    writeFileSync(rootOnly, 'root secret\n', { mode: 0o600 });
    shared = join(work, 'shared.txt');
    writeFileSync(shared, 'anyone may read this\n', { mode: 0o644 });
    mkdirSync(join(work, 'private'), { mode: 0o700 });
    hiddenInDir = join(work, 'private', 'readable-but-hidden.txt');
    writeFileSync(hiddenInDir, 'world-readable file in a root-only folder\n', { mode: 0o644 });
  });

  afterAll(() => {
    abort.abort();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a local process that runs the native host itself, and one that dials the socket: nothing recorded', async () => {
    await startAgent(['/usr/lib/chromium/chromium']);
    const answers = await runHost(socketPath, [hello, { id: 1, path: '/extension/v1/uploads', body: report(shared, 'r-1') }], { uid: NOBODY, gid: NOBODY });
    expect(answers[0]).toMatchObject({ status: 403, body: { message: expect.stringMatching(/was not started by an allowed browser/) } });
    // Straight to the socket, as root even: the peer's parent is this test runner, not a browser.
    const direct = await new Promise<string>((resolve) => {
      const socket = connect(socketPath);
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      socket.on('connect', () => socket.write(`${JSON.stringify({ id: 2, path: '/extension/v1/uploads', body: report(shared, 'r-2') })}\n`));
      socket.on('close', () => resolve(text));
    });
    expect(JSON.parse(direct)).toMatchObject({ status: 403 });
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(new RegExp(`uid ${NOBODY}\\) was not started by an allowed browser`));
    expect(events.filter((e) => e.upload)).toEqual([]);
  });

  it('hashes a reported file only if the reporting user can read it (a root-only file, a file in a root-only folder)', async () => {
    // Let this test runner stand in for the browser, so a host it starts as `nobody` is accepted.
    await startAgent([process.execPath]);
    const answers = await runHost(socketPath, [
      { id: 1, path: '/extension/v1/pair', body: hello },
      { id: 2, path: '/extension/v1/uploads', body: report(rootOnly, 'r-root') },
      { id: 3, path: '/extension/v1/uploads', body: report(hiddenInDir, 'r-hidden') },
      { id: 4, path: '/extension/v1/uploads', body: report(shared, 'r-shared') },
    ], { uid: NOBODY, gid: NOBODY });
    expect(answers.map((a) => (a as { status: number }).status)).toEqual([200, 200, 200, 200]);
    const uploads = events.filter((e) => e.upload).map((e) => [e.user, e.upload!.localPath, e.upload!.sizeBytes, e.upload!.sha256]);
    expect(uploads).toEqual([
      ['nobody', rootOnly, 0, ''],
      ['nobody', hiddenInDir, 0, ''],
      ['nobody', shared, 21, createHash('sha256').update('anyone may read this\n').digest('hex')],
    ]);
  });
});
