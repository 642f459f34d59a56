import { afterEach, describe, expect, it } from 'vitest';
import { decodeEvent } from '@mamori/proto';
import type { CollectorStore } from '@mamori/collector';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { ClockAgentProcess, FakeWallClock, ensureLibfaketime } from '../harness/faketime.ts';

// Real agent processes whose wall clock libfaketime moves while they run (or between runs); collector in process.
const library = ensureLibfaketime();
if (!library) console.warn('clocks e2e skipped: libfaketime is not installed and cannot be here (not root, not CI)');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collector(): Promise<TestCollector> {
  const c = await startTestCollector();
  cleanups.push(() => c.close());
  return c;
}

async function agentProcess(stateDir: string, clock: FakeWallClock): Promise<ClockAgentProcess> {
  const a = await ClockAgentProcess.start(stateDir, clock);
  cleanups.push(() => a.kill());
  return a;
}

function storedSeqs(store: CollectorStore, agentId: string): number[] {
  return (store.db.prepare('SELECT seq FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { seq: number }[]).map((r) => r.seq);
}

/** Waits until the collector holds seq 1..lastSeq of the agent, each exactly once. */
async function expectExactlyOnce(store: CollectorStore, agentId: string, lastSeq: number): Promise<void> {
  await waitFor(() => storedSeqs(store, agentId).length >= lastSeq, 20_000, `seq 1..${lastSeq} stored`);
  expect(storedSeqs(store, agentId)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
}

function clockJumps(store: CollectorStore, agentId: string) {
  const rows = store.db.prepare("SELECT seq, bytes FROM events WHERE agent_id = ? AND kind = 'lifecycle' ORDER BY seq").all(agentId) as { seq: number; bytes: Buffer }[];
  return rows.map((r) => ({ seq: r.seq, lifecycle: decodeEvent(r.bytes).lifecycle! })).filter((e) => e.lifecycle.kind === 'CLOCK_JUMP');
}

function alertsOf(store: CollectorStore, pc: string) {
  return store.db.prepare('SELECT rule_id AS ruleId, severity, title FROM alerts WHERE pc = ? ORDER BY id').all(pc) as { ruleId: string; severity: string; title: string }[];
}

function agentIdOf(store: CollectorStore, pc: string): string {
  return (store.db.prepare('SELECT id FROM agents WHERE pc = ?').get(pc) as { id: string }).id;
}

const hour = 3_600_000;
const day = 24 * hour;

// Under CI=true ensureLibfaketime installs the package or throws, so this never skips there.
describe.skipIf(!library && process.env.CI !== 'true')('clocks: a PC clock set back', () => {
  it('2 h back while the agent runs: events keep flowing exactly once, the jump is recorded and alerted high', async () => {
    const c = await collector();
    const pc = 'PC-CLOCK-RUN';
    const stateDir = await enrollTestAgent(await c.token(), { hostname: pc });
    const clock = new FakeWallClock(library!);
    const agent = await agentProcess(stateDir, clock);
    const agentId = agentIdOf(c.app.store, pc);
    const before = await agent.record(100);
    await expectExactlyOnce(c.app.store, agentId, before);

    clock.set('-2h');
    await waitFor(() => clockJumps(c.app.store, agentId).length > 0, 15_000, 'CLOCK_JUMP stored');
    // The uplink's drain budget used to refill from the wall clock: 2 h back left it 2 h of tokens short.
    const after = await agent.record(2_000);
    await expectExactlyOnce(c.app.store, agentId, after);

    const [jump] = clockJumps(c.app.store, agentId);
    expect(jump!.seq).toBeGreaterThan(before);
    expect(jump!.lifecycle).toMatchObject({ clockCheck: 'WHILE_RUNNING' });
    expect(jump!.lifecycle.clockJumpMs).toBeGreaterThan(-2 * hour - 60_000);
    expect(jump!.lifecycle.clockJumpMs).toBeLessThan(-2 * hour + 60_000);
    await waitFor(() => alertsOf(c.app.store, pc).some((a) => a.ruleId === 'clock_set_back'), 10_000, 'clock alert');
    expect(alertsOf(c.app.store, pc).filter((a) => a.ruleId === 'clock_set_back')).toMatchObject([{ severity: 'high' }]);
    // Events after the jump carry the PC's (wrong) time; the collector kept its own receive time beside it.
    const last = c.app.store.db.prepare('SELECT time_ms AS timeMs, received_ms AS receivedMs FROM events WHERE agent_id = ? AND seq = ?').get(agentId, after) as { timeMs: number; receivedMs: number };
    expect(last.receivedMs - last.timeMs).toBeGreaterThan(2 * hour - 60_000);
  });

  it('1 day back while the agent was stopped: noticed at start and against the collector, alerted on both sides', async () => {
    const c = await collector();
    const pc = 'PC-CLOCK-STOP';
    const stateDir = await enrollTestAgent(await c.token(), { hostname: pc });
    const clock = new FakeWallClock(library!);
    const first = await agentProcess(stateDir, clock);
    const agentId = agentIdOf(c.app.store, pc);
    await expectExactlyOnce(c.app.store, agentId, await first.record(20));
    await first.stop();
    const stoppedAt = c.app.store.db.prepare('SELECT MAX(seq) AS seq FROM events WHERE agent_id = ?').get(agentId) as { seq: number };

    clock.set('-1d');
    const second = await agentProcess(stateDir, clock);
    // The comparison with the collector's clock happens at connect, which follows the start asynchronously.
    await waitFor(() => clockJumps(c.app.store, agentId).some((j) => j.lifecycle.clockCheck === 'AGAINST_COLLECTOR'), 15_000, 'skew event stored');
    const after = await second.record(200);
    await expectExactlyOnce(c.app.store, agentId, after);

    const jumps = clockJumps(c.app.store, agentId);
    expect(jumps.every((j) => j.seq > stoppedAt.seq)).toBe(true);
    const acrossStop = jumps.find((j) => j.lifecycle.clockCheck === 'ACROSS_STOP');
    const againstCollector = jumps.find((j) => j.lifecycle.clockCheck === 'AGAINST_COLLECTOR');
    expect(acrossStop?.lifecycle.clockJumpMs).toBeLessThan(-day + 60_000);
    expect(againstCollector?.lifecycle.clockJumpMs).toBeLessThan(-day + 60_000);
    expect(againstCollector?.lifecycle.clockJumpMs).toBeGreaterThan(-day - 60_000);
    // The collector's own note: the hello's time is a day behind its clock.
    const findings = await c.app.store.listIntegrityFindings(agentId);
    expect(findings.map((f) => f.kind)).toEqual(['clock_behind']);
    await waitFor(() => alertsOf(c.app.store, pc).some((a) => a.ruleId === 'clock_set_back'), 10_000, 'agent-side clock alert');
    const alerts = alertsOf(c.app.store, pc);
    expect(alerts.find((a) => a.ruleId === 'clock_set_back')).toMatchObject({ severity: 'high' });
    expect(alerts.find((a) => a.ruleId === 'integrity.clock_behind')).toMatchObject({ severity: 'high' });
  });
});
