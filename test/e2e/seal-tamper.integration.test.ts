import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, sealEvent } from '@mamori/proto';
import { SealKeyFile } from '../../agent/src/core/seal-key-file.ts';
import { readIdentity, stateFiles } from '../../agent/src/state/identity.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { killHard, startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { rmSync } from 'node:fs';

// Root on the PC, with the collector unreachable: stops the agent, edits one byte of a queued event journaled in
// an earlier seal epoch, recomputes the chain hashes after it (no key needed) — and, the stronger variant, also
// re-seals the edited rows with the only seal key on the PC (the current epoch's). The collector must refuse the
// rewritten events with a critical seal finding and never store them as genuine.
const childScript = fileURLToPath(new URL('../harness/seal-agent-child.ts', import.meta.url));
const EPOCH_MS = 150;

let c: TestCollector;
let dataDir: string;
let grpcPort: number;
const children: ChildProcess[] = [];
beforeAll(async () => {
  c = await startTestCollector();
  ({ dataDir, grpcPort } = c);
});
afterAll(async () => {
  for (const child of children) await killHard(child);
  await c.close();
});

async function runAgentProcess(stateDir: string, count: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, stateDir, String(count), String(EPOCH_MS), String(EPOCH_MS / 2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('journaled') && resolve()));
  return child;
}

/** Journals 20 events over ~10 epochs with the collector down, then stops the agent; returns the edited seq. */
async function tamperedJournal(options: { reseal: boolean }): Promise<{ stateDir: string; agentId: string; seq: number; edited: Buffer }> {
  const stateDir = await enrollTestAgent(await c.token());
  await c.close();
  await killHard(await runAgentProcess(stateDir, 20));
  const db = new Database(join(stateDir, stateFiles.journal));
  type Row = { seq: number; hash: Buffer; bytes: Buffer; sealEpoch: number };
  const rows = db.prepare('SELECT seq, hash, bytes, seal_epoch AS sealEpoch FROM journal ORDER BY seq').all() as Row[];
  const newest = rows.at(-1)!.sealEpoch;
  // an event two or more epochs older than the newest: its epoch's key is long gone from the PC
  const victim = rows.find((r) => r.sealEpoch <= newest - 2 && r.bytes.includes('.pdf'))!;
  expect(victim).toBeDefined();
  const edited = Buffer.from(victim.bytes);
  edited[edited.indexOf('.pdf') + 1] = 'P'.charCodeAt(0);
  const stolen = new SealKeyFile(join(stateDir, stateFiles.sealKey)).read()!;
  const update = db.prepare('UPDATE journal SET prev_hash = ?, hash = ?, bytes = ? WHERE seq = ?');
  const reseal = db.prepare('UPDATE journal SET seal_epoch = ?, seal = ? WHERE seq = ?');
  let hash = rows[rows.indexOf(victim) - 1]?.hash ?? Buffer.alloc(32);
  for (const row of rows.slice(rows.indexOf(victim))) {
    const bytes = row.seq === victim.seq ? edited : row.bytes;
    const prev = hash;
    hash = chainHash(prev, bytes);
    update.run(prev, hash, bytes, row.seq);
    if (options.reseal) reseal.run(stolen.epoch, sealEvent(stolen.key, row.seq, stolen.epoch, hash), row.seq);
  }
  db.prepare('UPDATE chain_head SET last_hash = ? WHERE id = 1').run(hash);
  db.close();
  return { stateDir, agentId: readIdentity(stateDir).identity.agentId, seq: victim.seq, edited };
}

async function expectRefused(agentId: string, seq: number, edited: Buffer): Promise<void> {
  await waitFor(async () => (await c.app.store.listIntegrityFindings(agentId)).some((f) => f.kind === 'seal_invalid'), 30_000, 'a seal finding');
  const finding = (await c.app.store.listIntegrityFindings(agentId)).find((f) => f.kind === 'seal_invalid')!;
  expect(finding.detail).toMatch(/epoch|seal/);
  await waitFor(() => alertFor(agentId, /seal invalid/i) !== undefined, 10_000, 'a seal alert');
  expect(alertFor(agentId, /seal invalid/i)!.severity).toBe('critical');
  // the rewritten event is not stored, under its seq or anywhere
  expect(await c.app.store.eventsBySeq(agentId, seq, seq)).toEqual([]);
  const stored = await c.app.store.eventsBySeq(agentId, 1, 1_000);
  expect(stored.some((e) => e.bytes.equals(edited))).toBe(false);
}

/** The agent's integrity alert whose title names the finding. */
function alertFor(agentId: string, title: RegExp): { severity: string; title: string } | undefined {
  const alerts = c.app.store.db.prepare('SELECT severity, title FROM alerts WHERE agent_id = ? ORDER BY id').all(agentId) as { severity: string; title: string }[];
  return alerts.find((a) => title.test(a.title));
}

describe('forward-secure sealing against root on the PC', () => {
  it('refuses an event of an earlier epoch edited with the chain hashes recomputed', async () => {
    const { stateDir, agentId, seq, edited } = await tamperedJournal({ reseal: false });
    c = await startTestCollector({ dataDir, grpcPort });
    await runAgentProcess(stateDir, 0);
    await expectRefused(agentId, seq, edited);
  });

  it('refuses it also when root re-seals the rewritten events with the current epoch key', async () => {
    const { stateDir, agentId, seq, edited } = await tamperedJournal({ reseal: true });
    c = await startTestCollector({ dataDir, grpcPort });
    await runAgentProcess(stateDir, 0);
    await expectRefused(agentId, seq, edited);
    const detail = (await c.app.store.listIntegrityFindings(agentId)).find((f) => f.kind === 'seal_invalid')!.detail;
    expect(detail).toMatch(/no close record|does not match the chain hash|closed there/);
  });
});

describe('lost seal state', () => {
  it('starts a new seal chain through the authenticated stream; the collector records a seal reset (high) and keeps receiving', async () => {
    const stateDir = await enrollTestAgent(await c.token());
    const { agentId } = readIdentity(stateDir).identity;
    await killHard(await runAgentProcess(stateDir, 4));
    const firstChain = (await c.app.store.sealSeeds(agentId)).map((s) => s.chain);
    expect(firstChain).toHaveLength(1);
    const before = await c.app.store.countEvents(agentId);
    rmSync(join(stateDir, stateFiles.sealKey));
    await runAgentProcess(stateDir, 4);
    await waitFor(async () => (await c.app.store.listIntegrityFindings(agentId)).some((f) => f.kind === 'seal_reset'), 30_000, 'a seal reset finding');
    const seeds = await c.app.store.sealSeeds(agentId);
    expect(seeds).toHaveLength(2);
    await waitFor(() => alertFor(agentId, /seal reset/i) !== undefined, 10_000, 'a seal reset alert');
    expect(alertFor(agentId, /seal reset/i)!.severity).toBe('high');
    // everything after the reset arrives, sealed in the new chain (SEAL_RESET, STARTED and the 4 events at least)
    await waitFor(async () => (await c.app.store.countEvents(agentId)) >= before + 6, 30_000, 'events after the reset');
    const lastSeq = (await c.app.store.getAgent(agentId))!.lastSeq;
    expect((await c.app.store.eventSeal(agentId, lastSeq))?.chain).toBe(seeds[1]!.chain);
    expect((await c.app.store.listIntegrityFindings(agentId)).map((f) => f.kind)).toEqual(['seal_reset']);
  });
});
