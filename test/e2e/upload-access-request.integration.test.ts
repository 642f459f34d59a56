// Must-show for "request access" from the browser's block message, across the whole system, in a real Chromium
// with the extension and the native host: an upload to a blocked file-transfer site is refused; the employee
// clicks "Request access" in the message and gives a reason; the request goes extension → native host → agent,
// is journaled like every event and reaches the collector's access-request queue as an upload request for that
// site; an admin approves it through the API, which grants a one-click upload exception for that PC pushed at
// once; the extension holds it, and the same upload now reaches the site and is recorded once. The agent
// confirms the answer (OUTCOME_RECEIVED), so the collector stops re-sending it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { PolicyHolder } from '../../agent/src/core/policy-holder.ts';
import { NoticeDriver, UploadLab } from '../../agent/src/sensors/upload/testing/upload-lab.ts';
import { runConnectedBareAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const PC = 'PC-UPLOAD-ASK-1';
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);

describe.skipIf(!haveChromium)('upload access request end to end (block message → agent → collector → exception → upload)', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let lab: UploadLab;
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    collector = await startTestCollector();
    agent = await runConnectedBareAgent(await collector.token(), PC);
    // The upload sensor follows the real agent's policy, journals into it and files requests in its tray's flow,
    // as the composition root wires them (agent/src/main.ts).
    const mirror = new PolicyHolder(agent.policy.current());
    agent.policy.subscribe((policy) => mirror.apply(policy));
    lab = await UploadLab.start(undefined, {
      policy: mirror, forward: (draft) => agent.recorder.record(draft),
      requestAccess: (ask) => agent.tray.requests.requestUpload(
        { host: ask.host, domain: ask.domain, category: ask.category, fileNames: ask.fileNames }, ask.reason, ask.user, ask.rule),
    });
    const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
    expect(login.statusCode).toBe(200);
    session = { cookie: `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`, csrf: login.json().csrfToken };
  }, 90_000);

  afterAll(async () => {
    await lab?.close();
    await agent?.stop();
    await collector?.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) => collector.app.http.inject({
    method, url, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(payload === undefined ? {} : { payload: payload as object }),
  });

  it('block → Request access → approved through the collector → the exception arrives → the same upload goes through, recorded once', async () => {
    const name = 'audit-evidence.zip';
    const path = join(lab.work, name);
    writeFileSync(path, `${name} ${'confidential,'.repeat(40)}\n`);
    const sent = () => lab.received.filter((r) => r.bytes.includes(Buffer.from(name)));

    // Blocked, with the message offering the request.
    const page = await lab.open('input', 'gigafile.nu', { target: lab.url('gigafile.nu', '/upload') });
    await page.locator('#file').setInputFiles(path);
    const notice = await NoticeDriver.for(page);
    await lab.until(async () => (await notice.text()).includes('Request access'), 'the block message with its request button');
    expect(await notice.text()).toContain('Uploading files to this site is blocked');
    await lab.until(() => lab.decisions().some((d) => d.decision === 'block' && (d.detail ?? '').includes(name)), 'the block event');
    await notice.click('ask');
    await notice.type('Sending the audit evidence to our auditors, as agreed with IT', 'ask-reason');
    await notice.click('send');
    await lab.until(async () => (await notice.text()).includes('Your request was sent'), 'the message to confirm the request');
    await notice.click('close');
    expect(sent()).toEqual([]);

    // The agent filed it (its tray shows it) and the collector lists it as an upload request for that site.
    expect(agent.tray.requests.list()).toEqual([expect.objectContaining({ status: 'pending', upload: expect.objectContaining({ domain: 'gigafile.nu' }) })]);
    type Listed = { id: number; pc: string; subject: string; reason: string; blockedRule: string; upload: unknown; receivedMs: number | null; status: string };
    let listed: Listed | undefined;
    await waitFor(async () => {
      listed = ((await api('GET', '/api/access-requests?status=pending')).json().requests as Listed[]).find((r) => r.pc === PC);
      return listed !== undefined;
    }, 20_000, 'the request in the collector');
    expect(listed).toMatchObject({
      subject: 'upload', reason: 'Sending the audit evidence to our auditors, as agreed with IT', blockedRule: 'upload.enforcement.categories.file_transfer',
      upload: { host: 'gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: [name] },
    });

    // Approved: a one-click upload exception for that PC and site, pushed at once, held by the extension.
    const approvedAt = performance.now();
    const approved = await api('POST', `/api/access-requests/${listed!.id}/approve`, { untilMs: Date.now() + 3_600_000, note: 'OK for today' });
    expect(approved.statusCode).toBe(200);
    const exception = approved.json().exception as { id: string; pc: string; domain: string | null; category: string | null };
    expect(exception).toMatchObject({ pc: PC, domain: 'gigafile.nu', category: null });
    expect(approved.json().request).toMatchObject({ status: 'approved', exceptionId: exception.id });
    expect((await api('POST', `/api/access-requests/${listed!.id}/approve`, {})).statusCode).toBe(409);
    await lab.until(async () => ((await lab.rulesInBrowser())?.exceptions ?? []).some((x) => x.rule === `upload.exceptions.${exception.id}`), 'the exception in the browser', 10_000);
    console.log(`access request approved (API) → exception held by the extension: ${(performance.now() - approvedAt).toFixed(0)} ms`);

    // The user tries again: the same file to the same site now goes through, and is recorded once.
    await page.locator('#file').setInputFiles(path);
    await lab.until(() => sent().length > 0, 'the upload to reach the site');
    await lab.until(() => lab.uploads().some((u) => u.fileName === name), 'the upload record');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a duplicate to show up
    expect(sent()).toHaveLength(1);
    expect(lab.uploads().filter((u) => u.fileName === name)).toEqual([expect.objectContaining({ destinationHost: 'gigafile.nu', category: 'file_transfer' })]);
    expect(lab.decisions().find((d) => d.decision === 'exception_applied')).toMatchObject({ rule: `upload.exceptions.${exception.id}` });

    // The answer reached the PC: the tray shows it approved, and the collector saw the agent's receipt.
    await waitFor(() => agent.tray.requests.list()[0]?.status === 'approved', 20_000, 'the answer on the PC');
    await waitFor(async () => ((await api('GET', `/api/access-requests?pc=${PC}`)).json().requests as Listed[])[0]?.receivedMs !== null, 20_000, 'the PC\'s receipt');
    await page.close();
  }, 120_000);
});
