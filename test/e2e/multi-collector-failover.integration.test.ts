// Must-show (issue 14 item 3): "kill collector A → its agents reconnect to B, nothing lost, nothing twice".
// Two collector processes on one PostgreSQL (B's data dir a copy of A's: one CA, so the CA every agent pinned covers
// both), each configured with the deployment's two addresses (grpc.agentAddresses), which they hand to agents at
// enrollment. Agents enrolled through A stream to A, one enrolled through B to B; mid-burst A is SIGKILLed. A's
// agents must fail over to B by themselves, and afterwards every event each agent journaled is stored exactly
// once, with no journal reset. A real PostgreSQL 15 from Debian, real collector processes, real agents; no mocks.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorCli } from '@mamori/collector';
import type { RunningAgent } from '@mamori/agent';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { killHard, spawnCollector, tempDir, waitFor } from '../harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../harness/postgres.ts';
import { freePort } from '../harness/free-port.ts';

const available = ensurePostgres();

/** Sets what an admin writes in each collector's collector.yaml: its own address and the deployment's list. */
function configureAddresses(dataDir: string, advertise: string, agentAddresses: string[]): void {
  const file = join(dataDir, 'collector.yaml');
  const config = parse(readFileSync(file, 'utf8')) as { grpc: Record<string, unknown> };
  config.grpc = { ...config.grpc, advertise, agentAddresses };
  writeFileSync(file, stringify(config), { mode: 0o600 });
}

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  if (code !== 0) throw new Error(`mamori-collector ${args.join(' ')} exited ${code}: ${err}`);
  return out;
}

describe.skipIf(!available)('several collectors on one PostgreSQL: fail-over', () => {
  let server: PostgresServer;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('collector A SIGKILLed mid-burst: its agents reconnect to B, and every journaled event is stored exactly once', async () => {
    const url = await server.createDatabase('failover');
    const dirA = tempDir('failover-a');
    await cli(['-d', dirA, 'init', '--database', url, '--json']);
    const dirB = tempDir('failover-b');
    cpSync(dirA, dirB, { recursive: true });
    const [portA, portB] = [await freePort(), await freePort()];
    const addressA = `localhost:${portA}`;
    const addressB = `localhost:${portB}`;
    configureAddresses(dirA, addressA, [addressA, addressB]);
    configureAddresses(dirB, addressB, [addressA, addressB]);

    const a = await spawnCollector(dirA, portA);
    cleanups.push(() => killHard(a));
    const b = await spawnCollector(dirB, portB);
    cleanups.push(() => killHard(b));

    // Tokens as an admin makes them, each naming the collector it was created on; the agents learn the rest.
    const tokenA = (JSON.parse(await cli(['-d', dirA, 'token', 'create', '--uses', '2', '--json'])) as { token: string }).token;
    const tokenB = (JSON.parse(await cli(['-d', dirB, 'token', 'create', '--uses', '1', '--json'])) as { token: string }).token;
    const onA = [await enrollTestAgent(tokenA, { hostname: 'PC-FAILOVER-A1' }), await enrollTestAgent(tokenA, { hostname: 'PC-FAILOVER-A2' })];
    const onB = [await enrollTestAgent(tokenB, { hostname: 'PC-FAILOVER-B1' })];
    const listed = (stateDir: string) => (JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { collectorAddresses: string[] }).collectorAddresses;
    // The enrollment answer named both collectors, the one enrolled through first.
    for (const stateDir of onA) expect(listed(stateDir)).toEqual([addressA, addressB]);
    expect(listed(onB[0]!)).toEqual([addressB, addressA]);

    // A slow drain (400 events/s) keeps the burst in flight long enough to kill A in the middle of it.
    const agents: RunningAgent[] = [];
    for (const stateDir of [...onA, ...onB]) {
      const agent = await runTestAgent(stateDir, { drainEventsPerSecond: 400, batchSize: 50 });
      agents.push(agent);
      cleanups.push(() => agent.stop());
    }
    const agentsOnA = agents.slice(0, onA.length);
    const agentOnB = agents[onA.length]!;
    await waitFor(() => agents.every((agent) => agent.uplink.status().connected), 60_000, 'every agent connected');
    for (const agent of agentsOnA) expect(agent.uplink.status().collectorAddress).toBe(addressA);
    expect(agentOnB.uplink.status().collectorAddress).toBe(addressB);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const storedOf = async (agentId: string) => {
      const { rows } = await db.query<{ n: string; distinct: string; min: string | null; max: string | null }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS distinct, MIN(seq) AS min, MAX(seq) AS max FROM events WHERE agent_id = $1', [agentId],
      );
      const row = rows[0]!;
      return { count: Number(row.n), distinct: Number(row.distinct), min: Number(row.min ?? 0), max: Number(row.max ?? 0) };
    };

    const burst = 1_500;
    for (let i = 0; i < burst; i += 1) {
      for (const agent of agents) agent.recorder.record(sampleEvent(i));
    }
    // Kill A once part of the burst is stored through it and the rest is still in its agents' journals.
    await waitFor(async () => {
      for (const agent of agentsOnA) if ((await storedOf(agent.identity.agentId)).count < 200) return false;
      return true;
    }, 60_000, 'part of the burst stored through A');
    await killHard(a);
    const killedAtMs = Date.now();
    for (const agent of agentsOnA) expect(agent.journal.backlog().events).toBeGreaterThan(0);

    await waitFor(() => agentsOnA.every((agent) => agent.uplink.status().connected && agent.uplink.status().collectorAddress === addressB),
      60_000, "A's agents streaming to B");
    const failoverMs = Date.now() - killedAtMs;
    for (const agent of agents) expect(await agent.uplink.drained(120_000)).toBe(true);
    for (const agent of agents) {
      const lastSeq = agent.journal.lastSeq;
      expect(lastSeq).toBeGreaterThan(burst);
      // Nothing lost, nothing twice: seqs 1..lastSeq, each stored once, and the collectors' head is the agent's.
      expect(await storedOf(agent.identity.agentId), agent.identity.pc).toEqual({ count: lastSeq, distinct: lastSeq, min: 1, max: lastSeq });
      const head = await db.query<{ last_seq: string }>('SELECT last_seq FROM agents WHERE id = $1', [agent.identity.agentId]);
      expect(Number(head.rows[0]!.last_seq)).toBe(lastSeq);
    }
    // The cursor held across collectors: no journal reset, no chain segment, no integrity finding for any of them.
    const ids = agents.map((agent) => agent.identity.agentId);
    expect((await db.query('SELECT agent_id, kind, detail FROM integrity_findings WHERE agent_id = ANY($1)', [ids])).rows).toEqual([]);
    expect((await db.query('SELECT agent_id, reason FROM chain_segments WHERE agent_id = ANY($1)', [ids])).rows).toEqual([]);
    // B's welcome put B first in the saved list: after a restart these agents dial the collector that works.
    for (const stateDir of onA) expect(listed(stateDir)).toEqual([addressB, addressA]);

    console.log(`collector A SIGKILLed mid-burst → its ${agentsOnA.length} agents streaming to collector B: ${failoverMs} ms; `
      + `${agents.map((agent) => agent.journal.lastSeq).join(' + ')} events, each stored once`);
    // Its own timeout: PostgreSQL, two collector processes and three agents start on the shared 2-core machine.
  }, 300_000);
});
