import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SqliteStore } from '@mamori/collector';
import { generateEd25519KeyPair, loadPrivateKey } from '@mamori/proto';
import { listAlerts } from '../../collector/src/store/sqlite/queries/alerts.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { RawAgent } from '../harness/raw-agent.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Opens a stream that authenticates as `stateDir`'s agent (or `agentId`) and waits for its outcome. */
async function attempt(stateDir: string, options: ConstructorParameters<typeof RawAgent>[1]): Promise<string> {
  const raw = new RawAgent(stateDir, options);
  raw.hello();
  try {
    await raw.welcomed();
    return 'welcomed';
  } catch (error) {
    return (error as Error).message;
  } finally {
    raw.close();
  }
}

describe('failed stream authentication (real collector over gRPC/TLS)', () => {
  it('records a stream posing as an agent with a wrong key and alerts, rate-limited: 25 attempts make 2 findings with the full count', async () => {
    const c: TestCollector = await startTestCollector();
    let open = true;
    cleanups.push(() => open && c.close());
    const stateDir = await enrollTestAgent(await c.token());
    const victim = new RawAgent(stateDir);
    victim.close();
    const { agentId } = victim;
    const pc = (await c.app.store.getAgent(agentId))!.pc;
    const forger = loadPrivateKey(generateEd25519KeyPair().privateKeyPem);

    for (let i = 0; i < 25; i += 1) expect(await attempt(stateDir, { authKey: forger })).toMatch(/failed to prove possession of its key/);
    for (let i = 0; i < 25; i += 1) expect(await attempt(stateDir, { agentId: `made-up-${i}` })).toMatch(/unknown or retired agent/);
    // The agent with its own key is not held back by someone failing in its name: its events arrive, once each.
    const real = new RawAgent(stateDir);
    cleanups.push(() => real.close());
    real.hello();
    await real.welcomed();
    expect(await real.send(real.makeBatch(5))).toBe(5);
    expect(await c.app.store.countEvents(agentId)).toBe(5);
    real.close();

    const findings = await c.app.store.listIntegrityFindings();
    expect(findings.map((f) => [f.agentId, f.pc, f.kind, f.count])).toEqual([
      [agentId, pc, 'stream_auth_failed', 1],
      ['made-up-0', '', 'stream_unknown_agent', 1],
    ]);
    expect(findings[0]!.detail).toMatch(/^stream from 127\.0\.0\.1: could not prove the agent's key$/);
    await waitFor(() => listAlerts(c.app.store.db, { limit: 10, kind: 'stream_auth_failed' }).length === 1, 5_000, 'the alert');
    expect(listAlerts(c.app.store.db, { limit: 10, kind: 'stream_auth_failed' })).toMatchObject([{ pc, severity: 'high', count: 1, status: 'new', ruleId: 'integrity.stream_auth_failed' }]);

    // At shutdown the counts held back by the rate limit are written (in service they are, once a minute).
    await c.close();
    open = false;
    const store = new SqliteStore(join(c.dataDir, 'collector.db'));
    cleanups.push(() => store.close());
    const after = await store.listIntegrityFindings();
    expect(after.map((f) => [f.kind, f.count])).toEqual([
      ['stream_auth_failed', 1], ['stream_unknown_agent', 1], ['stream_auth_failed', 24], ['stream_unknown_agent', 24],
    ]);
    expect(after[2]!.detail).toMatch(/^24 more failed stream authentications in 60 s, latest from 127\.0\.0\.1/);
    expect(after[3]!.detail).toMatch(/agent id "made-up-24" is not enrolled here/);
    expect(listAlerts(store.db, { limit: 10 }).filter((a) => a.ruleId.startsWith('integrity.')).map((a) => [a.kind, a.pc, a.count])).toEqual([
      ['stream_unknown_agent', '', 25], ['stream_auth_failed', pc, 25],
    ]);
  });
});
