import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Journal, runAgentCli } from '@mamori/agent';
import { decodeEvent } from '@mamori/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { killHard, startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  delete process.env.MAMORI_UNINSTALL_CODE;
});

async function collector(options?: Parameters<typeof startTestCollector>[0]): Promise<TestCollector> {
  const c = await startTestCollector(options);
  let closed = false;
  const close = async () => {
    if (!closed) await c.close();
    closed = true;
  };
  cleanups.push(close);
  return { ...c, close };
}

/** Runs the agent CLI in this process; returns exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAgentCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function storedSeqs(c: TestCollector, agentId: string): number[] {
  return (c.app.store.db.prepare('SELECT seq FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { seq: number }[]).map((r) => r.seq);
}

function unsentRows(stateDir: string): number[] {
  const journal = new Journal(join(stateDir, 'journal.db'), { maxBytes: Number.MAX_SAFE_INTEGER });
  try {
    return journal.read(0, 1_000_000).map((r) => r.seq);
  } finally {
    journal.close();
  }
}

/** An enrolled agent whose journal holds `count` events the collector (now down) never received. */
async function agentWithBacklog(count: number): Promise<{ stateDir: string; agentId: string; lastSeq: number; restart: () => Promise<TestCollector> }> {
  const first = await collector();
  const stateDir = await enrollTestAgent(await first.token());
  await first.close();
  const agent = await runTestAgent(stateDir);
  for (let i = 0; i < count; i += 1) agent.recorder.record(sampleEvent(i));
  const { agentId } = agent.identity;
  await agent.stop();
  const lastSeq = unsentRows(stateDir).at(-1)!;
  return { stateDir, agentId, lastSeq, restart: () => collector({ dataDir: first.dataDir, grpcPort: first.grpcPort, adminPassword: first.adminPassword }) };
}

describe('mamori-agent drain', () => {
  it('fails with a one-line reason and keeps the journal while the collector is down, then delivers every event exactly once', { timeout: 60_000 }, async () => {
    const { stateDir, agentId, lastSeq, restart } = await agentWithBacklog(300);
    expect(lastSeq).toBeGreaterThanOrEqual(302); // STARTED, 300 events, STOPPED

    const refused = await cli(['-s', stateDir, 'drain', '--timeout', '1500ms']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/delivering the journal: \d+ events left \(collector not reachable yet\)/);
    const reason = refused.err.trim().split('\n').at(-1)!;
    expect(reason).toMatch(new RegExp(`^mamori-agent: .*${lastSeq} events \\(seq 1\\.\\.${lastSeq}\\) left in .*journal\\.db: the collector at localhost:\\d+ was not reachable`));
    // Nothing was added or lost: the same rows, and no STARTED/STOPPED from the drain session itself.
    expect(unsentRows(stateDir)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));

    const c = await restart();
    const drained = await cli(['-s', stateDir, 'drain', '--timeout', '30s', '--json']);
    expect(drained.code, drained.err).toBe(0);
    expect(JSON.parse(drained.out)).toMatchObject({ drained: true, eventsLeft: 0, lastSeq, sentBy: 'session' });
    expect(storedSeqs(c, agentId)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(unsentRows(stateDir)).toEqual([]);
    expect(await c.app.store.listIntegrityFindings(agentId)).toEqual([]);
  });

  it('waits on the running agent instead of opening the journal as a second writer', { timeout: 60_000 }, async () => {
    const { stateDir, agentId, restart } = await agentWithBacklog(0);
    // A real agent process holds the journal and journals 500 events while the collector is down.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../harness/agent-child.ts', import.meta.url)), stateDir, '500'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => killHard(child));
    const journaled = await new Promise<number>((resolve) => child.stdout!.on('data', (d: Buffer) => {
      const match = /journaled (\d+)/.exec(d.toString());
      if (match) resolve(Number(match[1]));
    }));

    const pending = cli(['-s', stateDir, 'drain', '--timeout', '30s', '--json']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const c = await restart();
    const drained = await pending;
    expect(drained.code, drained.err).toBe(0);
    expect(drained.err).toMatch(/events left \(the running agent is sending\)/);
    expect(JSON.parse(drained.out)).toMatchObject({ drained: true, sentBy: 'service' });
    await waitFor(() => storedSeqs(c, agentId).length >= journaled, 10_000, 'every journaled event stored');
    expect(storedSeqs(c, agentId).slice(0, journaled)).toEqual(Array.from({ length: journaled }, (_, i) => i + 1));
  });
});

describe('mamori-agent record-uninstall', () => {
  it('keeps what it cannot deliver and says so; the kept journal is delivered later, UNINSTALLED included', { timeout: 60_000 }, async () => {
    const { stateDir, agentId, lastSeq, restart } = await agentWithBacklog(50);
    const kept = await cli(['-s', stateDir, 'record-uninstall', '--timeout', '1s', '--json']);
    expect(kept.code, kept.err).toBe(0);
    const result = JSON.parse(kept.out) as { outcome: string; seq: number; eventsLeft: number };
    expect(result).toMatchObject({ outcome: 'kept', seq: lastSeq + 1, eventsLeft: lastSeq + 1 });
    expect(unsentRows(stateDir)).toHaveLength(lastSeq + 1);

    const c = await restart();
    expect((await cli(['-s', stateDir, 'drain', '--timeout', '30s'])).code).toBe(0);
    const seqs = storedSeqs(c, agentId);
    expect(seqs).toEqual(Array.from({ length: lastSeq + 1 }, (_, i) => i + 1));
    const last = c.app.store.db.prepare('SELECT bytes FROM events WHERE agent_id = ? AND seq = ?').get(agentId, lastSeq + 1) as { bytes: Buffer };
    expect(decodeEvent(last.bytes).lifecycle?.kind).toBe('UNINSTALLED');
  });

  it('discards unsent events only with the uninstall code, and records the discard where the collector sees it', { timeout: 60_000 }, async () => {
    const { stateDir, agentId, lastSeq, restart } = await agentWithBacklog(50);
    const code = 'remove-pc-0042';
    writeFileSync(join(stateDir, 'uninstall-code.sha256'), `${createHash('sha256').update(code).digest('hex')}  -\n`);

    // Without the code, or with a wrong one: refused before anything is recorded or deleted.
    for (const given of [undefined, 'wrong']) {
      if (given) process.env.MAMORI_UNINSTALL_CODE = given;
      const refused = await cli(['-s', stateDir, 'record-uninstall', '--timeout', '0', '--discard-unsent']);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/^mamori-agent: discarding unsent events needs the administrator's uninstall code/);
      expect(unsentRows(stateDir)).toHaveLength(lastSeq);
    }

    // With the code and the collector up, but no time to deliver: the choice is journaled, the range deleted, the record sent.
    const c = await restart();
    process.env.MAMORI_UNINSTALL_CODE = code;
    const discarded = await cli(['-s', stateDir, 'record-uninstall', '--timeout', '0', '--discard-unsent', '--json']);
    expect(discarded.code, discarded.err).toBe(0);
    const result = JSON.parse(discarded.out) as { outcome: string; seq: number; discard: { seq: number; delivered: boolean } };
    expect(result).toMatchObject({ outcome: 'discarded', seq: lastSeq + 1, discard: { seq: lastSeq + 2, delivered: true } });
    expect(unsentRows(stateDir)).toEqual([]);

    expect(storedSeqs(c, agentId)).toEqual([lastSeq + 2]);
    const stored = c.app.store.db.prepare('SELECT bytes FROM events WHERE agent_id = ?').get(agentId) as { bytes: Buffer };
    expect(decodeEvent(stored.bytes).lifecycle).toMatchObject({ kind: 'UNSENT_DISCARDED', droppedFromSeq: 1, droppedToSeq: lastSeq + 1 });
    const findings = await c.app.store.listIntegrityFindings(agentId);
    expect(findings.map((f) => f.kind)).toEqual(['unsent_discarded']);
    expect(findings[0]!.detail).toContain(`1..${lastSeq + 1}`);
  });
});
