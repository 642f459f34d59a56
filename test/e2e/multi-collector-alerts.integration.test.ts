// Must-show (issue 14 item 3): alert windows and folding across two collectors on one PostgreSQL. Collector A runs
// in this process, collector B in its own process on a copy of A's data dir, both on one database; B starts first
// and holds the projection lock, so its alert engine evaluates what agents send through either collector. One
// person (tanaka) prints on two PCs, one agent on each collector. large_print_day (more than 300 pages a day per
// user) must count both PCs' pages in one window and fold them into one alert; when B is SIGKILLed, A takes the
// lock over and rebuilds its windows from the stored events, so the day's count goes on where B left it: one alert,
// not zero (a window that starts empty) and not two. A real PostgreSQL 15 from Debian; no mocks.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { runCollectorCli } from '@mamori/collector';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { killHard, spawnCollector, startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../harness/postgres.ts';
import { freePort } from '../harness/free-port.ts';

const available = ensurePostgres();
const rule = 'large_print_day';
const threshold = 300;

/** Points an enrolled agent at another collector of the deployment (its identity names one address). */
function pointAgentAt(stateDir: string, grpcPort: number): void {
  const file = join(stateDir, 'identity.json');
  const identity = JSON.parse(readFileSync(file, 'utf8')) as { collectorAddress: string };
  identity.collectorAddress = `localhost:${grpcPort}`;
  writeFileSync(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
}

/** Pages printed by sample events [from, to). */
const pages = (from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += sampleEvent(i).printJob.pages;
  return sum;
};

/**
 * The console's live alert stream (Server-Sent Events) of a collector, read over HTTP as the console reads it: the
 * alerts it has shown so far.
 */
async function liveAlerts(collector: TestCollector): Promise<{ seen: { id: number; count: number }[]; close(): void }> {
  const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
  const cookie = `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`;
  const controller = new AbortController();
  const response = await fetch(new URL('api/alerts/stream', collector.httpUrl), { headers: { cookie }, signal: controller.signal });
  expect(response.status).toBe(200);
  const seen: { id: number; count: number }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const lines = buffered.slice(0, end).split('\n');
          buffered = buffered.slice(end + 2);
          const data = lines.find((line) => line.startsWith('data: '));
          if (lines.includes('event: alert') && data) seen.push(JSON.parse(data.slice(6)) as { id: number; count: number });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { seen, close: () => controller.abort() };
}

interface StoredAlert { id: string; count: string; pcs: string[]; linked: string }

describe.skipIf(!available)('alert windows and folding across two collectors on one PostgreSQL', () => {
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

  /** B (own process) takes the projection lock, then A (this process) starts; one agent on each, one person. */
  async function twoCollectors(name: string) {
    const url = await server.createDatabase(name);
    const dirA = tempDir(`${name}-a`);
    let out = '';
    expect(await runCollectorCli(['-d', dirA, 'init', '--database', url, '--json'], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    const { password } = JSON.parse(out) as { password: string };
    const dirB = tempDir(`${name}-b`);
    cpSync(dirA, dirB, { recursive: true });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    const alerts = async (): Promise<StoredAlert[]> => (await db.query<StoredAlert>(`SELECT a.id, a.count, a.linked_count AS linked,
      ARRAY(SELECT DISTINCT e.pc FROM alert_events ae JOIN events e ON e.id = ae.event_id WHERE ae.alert_id = a.id ORDER BY e.pc) AS pcs
      FROM alerts a WHERE rule_id = $1 ORDER BY id`, [rule])).rows;

    const portB = await freePort();
    const b = await spawnCollector(dirB, portB);
    cleanups.push(() => killHard(b));
    await waitFor(async () => await count("SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 7443160 AND granted") === 1, 30_000, 'B holding the projection lock');
    const a: TestCollector = await startTestCollector({ dataDir: dirA, adminPassword: password });
    cleanups.push(() => a.close());
    expect(a.app.projector.isLeader).toBe(false);

    const token = await a.token(2);
    const onA = await enrollTestAgent(token, { hostname: `${name.toUpperCase()}-PC-A` });
    const onB = await enrollTestAgent(token, { hostname: `${name.toUpperCase()}-PC-B` });
    pointAgentAt(onB, portB);
    const agentA = await runTestAgent(onA);
    cleanups.push(() => agentA.stop());
    const agentB = await runTestAgent(onB);
    cleanups.push(() => agentB.stop());
    await waitFor(() => agentA.uplink.status().connected && agentB.uplink.status().connected, 60_000, 'both agents connected');
    /** Records sample events [from, to) on `agent` and waits until the collector acknowledged them all. */
    const print = async (agent: RunningAgent, from: number, to: number) => {
      for (let i = from; i < to; i += 1) agent.recorder.record(sampleEvent(i));
      expect(await agent.uplink.drained(60_000)).toBe(true);
    };
    return { a, b, agentA, agentB, count, alerts, print };
  }

  it('one person\'s burst through both collectors folds into one alert, and still one after the leader is killed', async () => {
    const { a, b, agentA, agentB, count, alerts, print } = await twoCollectors('fold_both');
    // A's console is open: A is not the leader, so the alert is stored by B and must still reach A's live view.
    const live = await liveAlerts(a);
    cleanups.push(() => live.close());
    // Each half stays under the threshold, both together cross it: only a window fed by both PCs raises the alert.
    // B projects its own agent's half (the later jobs) at once and A's half after its 500 ms poll, so the window
    // often takes the later half first: the crossing must not depend on the order (fold-across-pcs.test.ts).
    const half = 50;
    expect(pages(0, half)).toBeLessThanOrEqual(threshold);
    expect(pages(half, 2 * half)).toBeLessThanOrEqual(threshold);
    expect(pages(0, 2 * half)).toBeGreaterThan(threshold);
    await Promise.all([print(agentA, 0, half), print(agentB, half, 2 * half)]);
    await waitFor(async () => await count('SELECT COUNT(*) AS n FROM print_jobs') === 2 * half, 60_000, 'the burst projected');
    await waitFor(async () => (await alerts()).length > 0, 30_000, 'the alert');
    let [alert, ...others] = await alerts();
    expect(others).toEqual([]);
    // Both PCs' events are the alert's evidence.
    expect(alert!.pcs).toEqual(['FOLD_BOTH-PC-A', 'FOLD_BOTH-PC-B']);
    const countBefore = Number(alert!.count);
    await waitFor(() => live.seen.some((shown) => shown.id === Number(alert!.id) && shown.count === countBefore), 10_000, 'the alert on A\'s live stream');

    // B dies; A takes the lock over and rebuilds the day's window from the stored events, in which every event is
    // already part of the alert: the next print folds into it with a count of 1, not a second alert and not a
    // re-count of the 100 events B already reported.
    await killHard(b);
    await waitFor(() => a.app.projector.isLeader, 30_000, 'A taking over the projection');
    await print(agentA, 2 * half, 2 * half + 1);
    await waitFor(async () => await count('SELECT COUNT(*) AS n FROM print_jobs') === 2 * half + 1, 60_000, 'the next print projected');
    await waitFor(async () => Number((await alerts())[0]!.count) === countBefore + 1, 30_000, 'the next print folded into the alert');
    [alert, ...others] = await alerts();
    expect(others).toEqual([]);
    expect(Number(alert!.count)).toBe(countBefore + 1);
  }, 240_000);

  it('the leader killed mid-window: the other collector completes the window into one alert, not zero and not two', async () => {
    const { a, b, agentA, agentB, count, alerts, print } = await twoCollectors('mid_window');
    // 60 jobs through both collectors stay under the threshold; the 30 that follow through A alone do too, so only a
    // window that still holds the first 60 after the fail-over crosses it.
    const before = 30;
    const after = 30;
    expect(pages(0, 2 * before)).toBeLessThanOrEqual(threshold);
    expect(pages(2 * before, 2 * before + after)).toBeLessThanOrEqual(threshold);
    expect(pages(0, 2 * before + after)).toBeGreaterThan(threshold);
    await Promise.all([print(agentA, 0, before), print(agentB, before, 2 * before)]);
    await waitFor(async () => await count('SELECT COUNT(*) AS n FROM print_jobs') === 2 * before, 60_000, 'the first part projected by B');
    expect(await alerts()).toEqual([]);

    await killHard(b);
    await waitFor(() => a.app.projector.isLeader, 30_000, 'A taking over the projection');
    await print(agentA, 2 * before, 2 * before + after);
    await waitFor(async () => await count('SELECT COUNT(*) AS n FROM print_jobs') === 2 * before + after, 60_000, 'the rest projected by A');
    await waitFor(async () => (await alerts()).length > 0, 30_000, 'the alert');
    await a.app.projector.idle();
    const [alert, ...others] = await alerts();
    expect(others).toEqual([]);
    // The window that crossed held every job of both parts: the ones B saw before it died are in the alert's count
    // and evidence.
    expect(Number(alert!.count)).toBe(2 * before + after);
    expect(alert!.pcs).toEqual(['MID_WINDOW-PC-A', 'MID_WINDOW-PC-B']);
  }, 240_000);
});
