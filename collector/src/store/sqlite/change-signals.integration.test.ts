import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function open(path: string): SqliteStore {
  const store = new SqliteStore(path);
  stores.push(store);
  return store;
}

/** Resolves with the first call of the listener it hands out, or rejects after `ms` (the test fails, it does not hang). */
function heard(ms = 10_000): { listener: () => void; promise: Promise<void> } {
  let listener = () => undefined as void;
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change heard within ${ms} ms`)), ms);
    listener = () => { clearTimeout(timer); resolve(); };
  });
  return { listener, promise };
}

describe('SQLite change signals (the CLI beside a running collector)', () => {
  it('a policy version or device exception stored through another handle on the file is heard by the running one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mamori-signals-')), 'collector.db');
    const running = open(path);
    const feed = running.listenForChanges((error) => { throw error; });
    const policy = heard();
    const exception = heard();
    feed.on('policyVersion', policy.listener);
    feed.on('deviceException', exception.listener);

    const cli = open(path); // as `mamori-collector policy-publish` opens it, in its own process
    const version = await cli.savePolicyVersion({ createdMs: Date.now(), createdBy: 'cli', sources: [{ name: 'device.yaml', text: 'device: {}' }], comment: '' });
    await policy.promise;
    expect(await running.latestPolicyVersionNumber()).toBe(version); // the signal follows the commit

    await cli.createDeviceException({
      id: 'ex_1', pc: 'PC-1', serial: null, mode: 'allow', untilMs: Date.now() + 60_000, reason: 'visit', createdBy: 'cli', createdMs: Date.now(), revokedMs: null,
    });
    await exception.promise;
    await feed.close();
  });

  it('an upload exception granted or revoked through another handle is heard by the running one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mamori-signals-')), 'collector.db');
    const running = open(path);
    const feed = running.listenForChanges((error) => { throw error; });
    const granted = heard();
    feed.on('uploadException', granted.listener);
    const cli = open(path); // as `mamori-collector upload-exception grant` opens it, in its own process
    await cli.repos.uploadExceptions.create({
      id: 'upx_1', pc: 'PC-1', user: null, category: null, domain: 'files.example.co.jp', untilMs: Date.now() + 60_000, reason: 'visit', createdBy: 'cli', createdMs: Date.now(),
    });
    await granted.promise;
    expect((await running.repos.uploadExceptions.changesAfter(0)).pcs).toEqual(['PC-1']); // the signal follows the commit

    await new Promise((resolve) => setTimeout(resolve, 200)); // the grant's own events (inotify may send two) are past
    const revoked = heard();
    feed.on('uploadException', revoked.listener);
    await cli.repos.uploadExceptions.revoke('upx_1', 'cli', Date.now());
    await revoked.promise;
    await feed.close();
  });

  it('asks its subscribers to catch up once when it starts (changes before the watch were not heard)', async () => {
    const feed = open(join(mkdtempSync(join(tmpdir(), 'mamori-signals-')), 'collector.db')).listenForChanges(() => undefined);
    const resync = heard();
    feed.onResync(resync.listener);
    await resync.promise;
    await feed.close();
  });
});
