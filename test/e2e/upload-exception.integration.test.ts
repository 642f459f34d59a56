// Must-show for one-click upload exceptions across the whole system, in a real Chromium with the extension and the
// native host: an upload to a blocked file-transfer site is refused; an operator grants an exception for that PC
// and domain with the collector's CLI (another writer than the running collector, as from a shell); the collector
// pushes the PC's policy to the connected agent, the agent pushes the rules down the native channel, and the same
// upload now reaches the site; revoking it blocks again at once; a short exception ends by itself at its time.
// The block and exception decisions travel the real agent → collector path and raise the upload alert rules.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { PolicyHolder } from '../../agent/src/core/policy-holder.ts';
import { UploadLab } from '../../agent/src/sensors/upload/testing/upload-lab.ts';
import { runCollectorCli } from '../../collector/src/cli/program.ts';
import { runConnectedBareAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const PC = 'PC-UPLOAD-EXC-1';
const haveChromium = ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);

async function cli(dataDir: string, args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(['-d', dataDir, ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  if (code !== 0) throw new Error(`mamori-collector ${args.join(' ')}: ${err}`);
  return out;
}

describe.skipIf(!haveChromium)('upload exceptions end to end (collector → agent → extension)', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let lab: UploadLab;

  beforeAll(async () => {
    collector = await startTestCollector();
    agent = await runConnectedBareAgent(await collector.token(), PC);
    // The upload sensor follows the real agent's policy (as pushed by the collector) and journals into it.
    const mirror = new PolicyHolder(agent.policy.current());
    agent.policy.subscribe((policy) => mirror.apply(policy));
    lab = await UploadLab.start(undefined, { policy: mirror, forward: (draft) => agent.recorder.record(draft) });
  }, 90_000);

  afterAll(async () => {
    await lab?.close();
    await agent?.stop();
    await collector?.close();
  });

  /** Chooses a file on gigafile.nu's upload page; resolves with what happened: uploaded, or blocked. */
  async function tryUpload(name: string): Promise<'uploaded' | 'blocked'> {
    const path = join(lab.work, name);
    writeFileSync(path, `${name} ${'confidential,'.repeat(40)}\n`);
    const page = await lab.open('input', 'gigafile.nu', { target: lab.url('gigafile.nu', '/upload') });
    await page.locator('#file').setInputFiles(path);
    await lab.until(() => lab.received.some((r) => r.bytes.includes(Buffer.from(name)))
      || lab.decisions().some((d) => d.decision === 'block' && (d.detail ?? '').includes(name)), `${name} to be uploaded or blocked`);
    await page.close();
    return lab.received.some((r) => r.bytes.includes(Buffer.from(name))) ? 'uploaded' : 'blocked';
  }

  const exceptionsInBrowser = async () => (await lab.rulesInBrowser())?.exceptions ?? [];

  it('blocked → exception granted (CLI) → allowed → revoked → blocked', async () => {
    expect(await tryUpload('before-exception.zip')).toBe('blocked');
    expect(lab.decisions().find((d) => d.decision === 'block')).toMatchObject({ rule: 'upload.enforcement.categories.file_transfer' });

    const grantedAt = performance.now();
    const granted = JSON.parse(await cli(collector.dataDir, ['upload-exception', '--pc', PC, '--domain', 'gigafile.nu', '--for', '1h', '--reason', '監査法人への提出', '--json'])) as { id: string; untilMs: number };
    await lab.until(async () => (await exceptionsInBrowser()).some((x) => x.rule === `upload.exceptions.${granted.id}`), 'the exception in the browser', 10_000);
    console.log(`upload exception granted (CLI) → held by the extension: ${(performance.now() - grantedAt).toFixed(0)} ms`);

    expect(await tryUpload('under-exception.zip')).toBe('uploaded');
    await lab.until(() => lab.decisions().some((d) => d.decision === 'exception_applied'), 'the exception_applied event');
    expect(lab.decisions().find((d) => d.decision === 'exception_applied')).toMatchObject({
      rule: `upload.exceptions.${granted.id}`, untilMs: granted.untilMs, detail: expect.stringContaining('under-exception.zip'),
    });
    await lab.until(() => lab.uploads().some((u) => u.fileName === 'under-exception.zip'), 'the upload record');

    const revokedAt = performance.now();
    await cli(collector.dataDir, ['upload-exception-revoke', granted.id]);
    await lab.until(async () => (await exceptionsInBrowser()).length === 0, 'the revocation in the browser', 10_000);
    console.log(`upload exception revoked (CLI) → gone from the extension: ${(performance.now() - revokedAt).toFixed(0)} ms`);
    expect(await tryUpload('after-revoke.zip')).toBe('blocked');

    // The decisions went into the real agent's journal, up to the collector, through its alert rules.
    await waitFor(async () => {
      const rules = (await collector.app.store.repos.alerts.list({ pc: PC, limit: 50 })).map((a) => a.ruleId);
      return rules.includes('upload_blocked') && rules.includes('upload_exception_used');
    }, 20_000, 'the collector\'s upload alerts');
    const alerts = await collector.app.store.repos.alerts.list({ pc: PC, limit: 50 });
    expect(alerts.find((a) => a.ruleId === 'upload_blocked')).toMatchObject({ count: 2, title: expect.stringContaining('into gigafile.nu (file_transfer)') });
    expect(alerts.find((a) => a.ruleId === 'upload_exception_used')).toMatchObject({ title: expect.stringContaining('under-exception.zip') });
  }, 90_000);

  it('an exception ends at its time without any push (the browser holds the end)', async () => {
    const untilMs = Date.now() + 6_000;
    await cli(collector.dataDir, ['upload-exception', '--pc', PC, '--category', 'file_transfer', '--until', new Date(untilMs).toISOString()]);
    await lab.until(async () => (await exceptionsInBrowser()).length === 1, 'the exception in the browser', 10_000);
    expect(await tryUpload('before-expiry.zip')).toBe('uploaded');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, untilMs - Date.now() + 200)));
    expect(await tryUpload('after-expiry.zip')).toBe('blocked');
  }, 60_000);
});
