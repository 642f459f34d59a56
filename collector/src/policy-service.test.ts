import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicyDir, readPolicyDir } from '@mamori/policies';
import { SessionRegistry } from './ingest/sessions.ts';
import { PolicyService } from './policy-service.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Two connections to one database file: the running collector's and another process's (the CLI's). */
function twoConnections(): { running: SqliteStore; other: SqliteStore } {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-policy-'));
  dirs.push(dir);
  const running = new SqliteStore(join(dir, 'c.db'));
  const other = new SqliteStore(join(dir, 'c.db'));
  stores.push(running, other);
  return { running, other };
}

describe('PolicyService.refresh', () => {
  it('takes up a version another connection stored, tells its listeners once, and is a no-op when nothing changed', async () => {
    const { running, other } = twoConnections();
    const policy = new PolicyService(running, new SessionRegistry());
    await policy.load();
    const changes: number[] = [];
    policy.onChange((_set, version) => changes.push(version));
    expect(await policy.refresh()).toBe(false);

    const sources = readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'device.yaml' ? { ...s, text: `# from the CLI\n${s.text}` } : s));
    await other.savePolicyVersion({ createdMs: 2, createdBy: 'cli', sources, comment: '' });
    expect(await running.latestPolicyVersionNumber()).toBe(2);
    expect(await Promise.all([policy.refresh(), policy.refresh()])).toEqual([true, true]); // one refresh shared
    expect(policy.version).toBe(2);
    expect(changes).toEqual([2]);
    expect(await policy.refresh()).toBe(false);
  });

  it('keeps serving the version in hand when a newer stored one does not parse, and reports it once', async () => {
    const { running, other } = twoConnections();
    const policy = new PolicyService(running, new SessionRegistry());
    await policy.load();
    await other.savePolicyVersion({ createdMs: 2, createdBy: 'newer-collector', sources: [{ name: 'device.yaml', text: 'not_a_field: 1\n' }], comment: '' });
    await expect(policy.refresh()).rejects.toThrow();
    expect(await policy.refresh()).toBe(false);
    expect(policy.version).toBe(1);
    expect(policy.current).toBeDefined();
  });
});
