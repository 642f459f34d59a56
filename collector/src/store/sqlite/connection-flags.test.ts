import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';

/** Connection flags set in one turn share one commit (connection-flags.ts); each caller still learns it is stored. */
describe('agents\' connected flags', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

  const storeWithAgents = async (count: number, path = ':memory:') => {
    const store = new SqliteStore(path);
    for (let i = 0; i < count; i += 1) {
      await store.createAgent({ id: `agent-${i}`, pc: `PC-${i}`, hardwareId: `hw-${i}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
    }
    return store;
  };

  it('writes the flags set in one turn in one transaction, each as last set', async () => {
    const store = await storeWithAgents(50);
    const transactions = vi.spyOn(store.db, 'transaction');
    await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => store.setConnected(`agent-${i}`, true, 1_000 + i)),
      store.setConnected('agent-7', false, 2_000), // the same agent again in the same turn: the later flag wins
    ]);
    expect(transactions).toHaveBeenCalledTimes(1);
    const agents = await store.listAgents();
    expect(agents.filter((a) => a.connected)).toHaveLength(49);
    expect(agents.find((a) => a.id === 'agent-7')).toMatchObject({ connected: false, lastSeenMs: 2_000 });
    expect(agents.find((a) => a.id === 'agent-8')).toMatchObject({ connected: true, lastSeenMs: 1_008 });
    await store.close();
  });

  it('a flag set in a later turn is its own write, after the earlier one', async () => {
    const store = await storeWithAgents(1);
    await store.setConnected('agent-0', true, 1_000);
    await store.setConnected('agent-0', false, 2_000);
    expect(await store.getAgent('agent-0')).toMatchObject({ connected: false, lastSeenMs: 2_000 });
    await store.close();
  });

  it('a flag not yet written when the store closes is written before it closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flags-'));
    dirs.push(dir);
    const store = await storeWithAgents(1, join(dir, 'c.db'));
    const written = store.setConnected('agent-0', true, 5_000);
    await store.close();
    await written;
    const reopened = new SqliteStore(join(dir, 'c.db'));
    expect(await reopened.getAgent('agent-0')).toMatchObject({ connected: true, lastSeenMs: 5_000 });
    await reopened.close();
  });

  it('a failed commit fails every flag of that turn, and the next turn writes again', async () => {
    const store = await storeWithAgents(2);
    store.db.exec("CREATE TRIGGER refuse BEFORE UPDATE OF connected ON agents WHEN NEW.id = 'agent-1' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const results = await Promise.allSettled([store.setConnected('agent-0', true, 1_000), store.setConnected('agent-1', true, 1_000)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await store.getAgent('agent-0'))?.connected).toBe(false); // nothing of the failed turn is kept
    await store.setConnected('agent-0', true, 3_000);
    expect(await store.getAgent('agent-0')).toMatchObject({ connected: true, lastSeenMs: 3_000 });
    await store.close();
  });
});
