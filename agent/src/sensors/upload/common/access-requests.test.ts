import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, PolicySetSchema } from '@mamori/policies';
import type { EventDraft } from '../../../core/event-draft.ts';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { BridgeHandler, SocketPeer } from '../../../local/browser-bridge/index.ts';
import { AccessRequests } from '../../../local/tray/common/access-requests.ts';
import { UploadSensorConfigSchema } from './config.ts';
import { extensionRoutes, UploadSensor, type UploadSensorOptions } from './upload-sensor.ts';

/** "Request access" from the block message, as the native host delivers it: judged by the agent, filed once. */
describe('upload access requests from the browser', () => {
  const peer: SocketPeer = { pid: 10, uid: 1000, gid: 1000, user: 'sato', exe: '/usr/bin/node', ancestors: ['/usr/lib/chromium/chromium'] };

  async function setup(withRequests = true) {
    const set = PolicySetSchema.parse({
      categories: { file_transfer: ['gigafile.nu', 'firestorage.jp'], personal_cloud: ['dropbox.com'] },
      upload: { enforcement: { categories: { file_transfer: 'block', personal_cloud: 'audit' }, domains: { 'wetransfer.com': 'warn' } } },
    });
    const filed: EventDraft[] = [];
    const requests = new AccessRequests({ emit: (draft) => filed.push(draft), user: () => 'console user' });
    let handler: BridgeHandler | undefined;
    const requestAccess: UploadSensorOptions['requestAccess'] = (ask) => requests.requestUpload(
      { host: ask.host, domain: ask.domain, category: ask.category, fileNames: ask.fileNames }, ask.reason, ask.user, ask.rule);
    const sensor = new UploadSensor({
      routes: undefined, bridge: { handle: (h) => { handler = h; } }, config: UploadSensorConfigSchema.parse({}),
      policy: new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1)), currentUser: () => 'console user',
      hasher: { hash: () => Promise.reject(new Error('unused')) }, ...(withRequests ? { requestAccess } : {}),
    });
    await sensor.start(() => 1, new AbortController().signal);
    const ask = (body: unknown) => handler!(peer, extensionRoutes.accessRequests, body);
    return { ask, filed, requests };
  }
  const body = (host: string, reason = '監査法人への提出') => ({ host, reason, files: [{ name: '見積書.xlsx', size: 120 }] });

  it('files a request for a blocked site under the policy\'s own domain, for the browser\'s user; asking again returns the waiting one', async () => {
    const { ask, filed, requests } = await setup();
    const first = await ask(body('46.GigaFile.nu'));
    expect(first).toMatchObject({ status: 201, body: { existing: false, domain: 'gigafile.nu', request: { status: 'pending' } } });
    expect(filed).toEqual([{
      user: 'sato',
      accessRequest: {
        state: 'REQUESTED', requestId: (first.body as { request: { id: string } }).request.id, subject: 'upload', reason: '監査法人への提出',
        blockedRule: 'upload.enforcement.categories.file_transfer',
        upload: { host: '46.gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: ['見積書.xlsx'] },
      },
    }]);
    expect(await ask(body('www.gigafile.nu', 'again'))).toMatchObject({ status: 200, body: { existing: true, request: { id: (first.body as { request: { id: string } }).request.id } } });
    expect(filed).toHaveLength(1);
    // A warned domain can be asked for too, under its domain rule.
    expect(await ask(body('upload.wetransfer.com'))).toMatchObject({ status: 201, body: { domain: 'wetransfer.com' } });
    // The answer comes back later; applying it is recorded once with subject upload.
    const id = (first.body as { request: { id: string } }).request.id;
    requests.applyOutcome({ requestId: id, outcome: 'approved', untilMs: 5_000 });
    expect(filed.at(-1)).toMatchObject({ accessRequest: { state: 'OUTCOME_RECEIVED', requestId: id, subject: 'upload', outcome: 'approved' } });
  });

  it('refuses sites the policy does not block or warn, bad reasons and malformed bodies, filing nothing', async () => {
    const { ask, filed } = await setup();
    expect(await ask(body('www.dropbox.com'))).toMatchObject({ status: 409, body: { message: expect.stringContaining('not blocked') } });
    expect(await ask(body('example.org'))).toMatchObject({ status: 409 });
    expect(await ask(body('gigafile.nu', '   '))).toMatchObject({ status: 400, body: { message: expect.stringContaining('why') } });
    expect(await ask(body('gigafile.nu', 'x'.repeat(501)))).toMatchObject({ status: 400 });
    expect(await ask({ ...body('gigafile.nu'), pageUrl: 'https://gigafile.nu/' })).toMatchObject({ status: 400 });
    expect(await ask({ host: 'https://gigafile.nu/', reason: 'r' })).toMatchObject({ status: 400 });
    expect(filed).toEqual([]);
  });

  it('says requests are not available when the agent offers no access-request flow', async () => {
    const { ask } = await setup(false);
    expect(await ask(body('gigafile.nu'))).toMatchObject({ status: 503, body: { message: expect.stringContaining('not available') } });
  });
});
