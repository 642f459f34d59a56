import { afterEach, describe, expect, it } from 'vitest';
import { verifyEvidence } from '@mamori/proto';
import { exportEvidenceFor } from '../harness/evidence.ts';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { killHard, spawnCollector, startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import type { RunningAgent } from '@mamori/agent';
import { SqliteStore, type CollectorStore } from '@mamori/collector';
import { join } from 'node:path';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collector(options?: Parameters<typeof startTestCollector>[0]): Promise<TestCollector> {
  const c = await startTestCollector(options);
  cleanups.push(() => c.close());
  return c;
}

async function agent(stateDir: string): Promise<RunningAgent> {
  const a = await runTestAgent(stateDir);
  cleanups.push(() => a.stop());
  return a;
}

/** Seqs stored for an agent, straight from the database. */
function storedSeqs(store: CollectorStore, agentId: string): number[] {
  return (store.db.prepare('SELECT seq FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { seq: number }[]).map((r) => r.seq);
}

function expectExactlyOnce(seqs: number[], lastSeq: number): void {
  expect(seqs.length).toBe(lastSeq);
  expect(seqs[0]).toBe(1);
  expect(seqs.at(-1)).toBe(lastSeq);
  expect(new Set(seqs).size).toBe(seqs.length);
}

describe('event pipeline agent → collector', () => {
  it('delivers 10,000 events exactly once, in order, with chain and signatures verified', async () => {
    const c = await collector();
    const stateDir = await enrollTestAgent(await c.token());
    const a = await agent(stateDir);
    for (let i = 0; i < 10_000; i += 1) a.recorder.record(sampleEvent(i));
    expect(await a.uplink.drained(60_000)).toBe(true);
    const seqs = storedSeqs(c.app.store, a.identity.agentId);
    expectExactlyOnce(seqs, a.journal.lastSeq);
    expect(a.journal.lastSeq).toBeGreaterThanOrEqual(10_001);
    const doc = await exportEvidenceFor(c.app, a.identity.agentId);
    const verdict = verifyEvidence(doc);
    expect(verdict.problems).toEqual([]);
    expect(verdict.events).toBe(a.journal.lastSeq);
    expect(await c.app.store.listIntegrityFindings(a.identity.agentId)).toEqual([]);
    // the stored bytes decode back to what was recorded
    const [row] = await c.app.store.eventsBySeq(a.identity.agentId, 2, 2);
    expect(row?.kind).toBe('print_job');
  });

  it('loses nothing and stores nothing twice when the collector is SIGKILLed mid-stream', async () => {
    const c = await collector();
    const token = await c.token();
    const { dataDir, grpcPort } = c;
    const stateDir = await enrollTestAgent(token);
    await c.close();
    cleanups.pop();
    let child = await spawnCollector(dataDir, grpcPort);
    cleanups.push(() => killHard(child));
    const a = await agent(stateDir);
    const total = 6_000;
    let killed = false;
    for (let i = 0; i < total; i += 1) {
      a.recorder.record(sampleEvent(i));
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (!killed && a.uplink.status().ackedSeq > 1_000) {
        await killHard(child);
        killed = true;
      }
    }
    expect(killed).toBe(true);
    child = await spawnCollector(dataDir, grpcPort);
    expect(await a.uplink.drained(60_000)).toBe(true);
    await killHard(child);
    const store = new SqliteStore(join(dataDir, 'collector.db'));
    cleanups.push(() => store.close());
    expectExactlyOnce(storedSeqs(store, a.identity.agentId), a.journal.lastSeq);
    expect(await store.listIntegrityFindings()).toEqual([]);
  });

  it('loses nothing when the agent is SIGKILLed between journaling and sending', async () => {
    const c = await collector();
    const stateDir = await enrollTestAgent(await c.token());
    const { dataDir, grpcPort } = c;
    await c.close();
    cleanups.pop();
    // The agent journals 500 events with no collector to send them to, then dies without warning.
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = fileURLToPath(new URL('../harness/agent-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, '500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('journaled') && resolve()));
    await killHard(child);
    const back = await collector({ dataDir, grpcPort });
    const a = await agent(stateDir);
    expect(await a.uplink.drained(60_000)).toBe(true);
    const seqs = storedSeqs(back.app.store, a.identity.agentId);
    expectExactlyOnce(seqs, a.journal.lastSeq);
    const kinds = back.app.store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE agent_id = ? AND kind = 'print_job'").get(a.identity.agentId) as { n: number };
    expect(kinds.n).toBe(500);
  });

  it('delivers everything recorded while the collector was unreachable for the whole time', async () => {
    const c = await collector();
    const stateDir = await enrollTestAgent(await c.token());
    const { dataDir, grpcPort } = c;
    await c.close();
    cleanups.pop();
    const a = await agent(stateDir);
    for (let i = 0; i < 2_000; i += 1) a.recorder.record(sampleEvent(i));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(a.uplink.status().connected).toBe(false);
    expect(a.journal.backlog().events).toBe(a.journal.lastSeq);
    const back = await collector({ dataDir, grpcPort });
    await waitFor(() => a.uplink.status().connected, 15_000, 'reconnect');
    expect(await a.uplink.drained(60_000)).toBe(true);
    expectExactlyOnce(storedSeqs(back.app.store, a.identity.agentId), a.journal.lastSeq);
  });
});
