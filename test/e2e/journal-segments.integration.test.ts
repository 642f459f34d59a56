import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeEvent } from '@mamori/proto';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { InProcessAgent, ScriptedAgent } from '../harness/scripted-agent.ts';
import { RawAgent } from '../harness/raw-agent.ts';

// Issue 13, items 2 and 3, with real agent processes: a journal deleted or
// rolled back is declared and never costs a new event; a tampered row is quarantined and never blocks the PC.

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const journalFiles = ['journal.db', 'journal.db-wal', 'journal.db-shm'];

async function setup() {
  // The collector runs in this process (a real gRPC/TLS server on its own SQLite file, restartable on the same
  // port); each agent is a real process that is stopped, tampered with and started again.
  let collector: TestCollector | undefined = await startTestCollector();
  const stateDir = await enrollTestAgent(await collector.token());
  const { dataDir, grpcPort } = collector;
  cleanups.push(() => collector?.close());
  const agentId = (JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { agentId: string }).agentId;
  const db = new Database(join(dataDir, 'collector.db'), { readonly: true });
  cleanups.push(() => db.close());
  const world = {
    stateDir, agentId, db,
    async startCollector() {
      collector ??= await startTestCollector({ dataDir, grpcPort });
    },
    async stopCollector() {
      await collector?.close();
      collector = undefined;
    },
    /** The agent as a real process: used for every run after the attack. */
    async startAgent() {
      const agent = await ScriptedAgent.start(stateDir);
      cleanups.push(() => agent.kill());
      return agent;
    },
    /** The agent in this process: used to set the scene before the attack. */
    async startAgentInProcess() {
      const agent = await InProcessAgent.start(stateDir);
      cleanups.push(() => agent.stop());
      return agent;
    },
    /** The collector's chain head for this agent. */
    head: () => (db.prepare('SELECT last_seq AS seq FROM agents WHERE id = ?').get(agentId) as { seq: number }).seq,
    findings: () => db.prepare('SELECT kind, detail FROM integrity_findings WHERE agent_id = ? ORDER BY id').all(agentId) as { kind: string; detail: string }[],
    /** Every stored event of this agent: seq, payload kind and, for print jobs, the document name the test gave it. */
    stored: () => (db.prepare('SELECT seq, bytes FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { seq: number; bytes: Buffer }[])
      .map((row) => {
        const event = decodeEvent(row.bytes);
        return { seq: row.seq, inner: event.seq, name: event.printJob?.documentName ?? '', lifecycle: event.lifecycle?.kind ?? '', event };
      }),
  };
  return world;
}

/** Asserts each of `names` is stored exactly once, above `afterSeq`, and returns their seqs. */
function expectExactlyOnce(stored: { seq: number; name: string }[], names: string[], afterSeq: number): number[] {
  const seqs = names.map((name) => {
    const matches = stored.filter((e) => e.name === name);
    expect(matches, name).toHaveLength(1);
    return matches[0]!.seq;
  });
  for (const seq of seqs) expect(seq).toBeGreaterThan(afterSeq);
  return seqs;
}

const tags = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

/** Stored seqs have no holes (the store is unique on seq, so this plus the count means exactly once each). */
function expectContiguous(stored: { seq: number; inner: number }[]): void {
  stored.forEach((e, i) => {
    expect(e.seq).toBe(stored[0]!.seq + i);
    expect(e.inner).toBe(e.seq); // the signed bytes carry the number they are stored under
  });
}

describe('journal loss is never silent', () => {
  it('journal deleted while stopped, agent restarted offline then reconnected: journal_reset, every later event exactly once', async () => {
    const w = await setup();
    await w.startCollector();
    const before = await w.startAgentInProcess();
    await before.ask('record before 5');
    expect(await before.ask('drain')).toBe('drained true');
    await before.stop();
    const held = w.head();
    expect(held).toBeGreaterThan(5);

    for (const file of journalFiles) rmSync(join(w.stateDir, file), { force: true });
    await w.stopCollector();
    const agent = await w.startAgent();
    await agent.ask('record offline 4'); // numbered 2..5 by a fresh journal, before the agent can learn the head
    await w.startCollector();
    await agent.ask('wait-connected');
    await agent.ask('record online 3');
    expect(await agent.ask('drain')).toBe('drained true');

    const stored = w.stored();
    expectContiguous(stored);
    expectExactlyOnce(stored, tags('before', 5), 0);
    expectExactlyOnce(stored, [...tags('offline', 4), ...tags('online', 3)], held + 1);
    const reset = stored.find((e) => e.seq === held + 1)!;
    expect(reset.lifecycle).toBe('JOURNAL_RESET');
    expect(reset.event.lifecycle).toMatchObject({ resetCollectorSeq: held, renumberedFromSeq: 1 });
    expect(w.db.prepare('SELECT start_seq AS startSeq, reason FROM chain_segments WHERE agent_id = ?').all(w.agentId)).toEqual([{ startSeq: held + 1, reason: 'journal_reset' }]);
    const findings = w.findings();
    expect(findings.map((f) => f.kind)).toEqual(['journal_reset']);
    expect(findings[0]!.detail).toMatch(new RegExp(`deleted or replaced.*after seq ${held} .*can no longer arrive`));
    expect((await agent.status()).head).toBe(stored.at(-1)!.seq);
  });

  it('journal and seal key deleted together: journal_reset + seal_reset, every later event exactly once, sealed in the new chain', async () => {
    const w = await setup();
    await w.startCollector();
    const before = await w.startAgentInProcess();
    await before.ask('record before 5');
    expect(await before.ask('drain')).toBe('drained true');
    await before.stop();
    const held = w.head();
    const firstChain = w.db.prepare('SELECT chain FROM seal_seeds WHERE agent_id = ?').all(w.agentId) as { chain: number }[];
    expect(firstChain).toHaveLength(1);

    for (const file of [...journalFiles, 'seal.key']) rmSync(join(w.stateDir, file), { force: true });
    await w.stopCollector();
    const agent = await w.startAgent();
    await agent.ask('record offline 4'); // sealed in a new chain, numbered from 1, before the agent can learn the head
    await w.startCollector();
    await agent.ask('wait-connected');
    await agent.ask('record online 3');
    expect(await agent.ask('drain')).toBe('drained true');

    const stored = w.stored();
    expectContiguous(stored);
    expectExactlyOnce(stored, tags('before', 5), 0);
    expectExactlyOnce(stored, [...tags('offline', 4), ...tags('online', 3)], held + 1);
    expect(stored.find((e) => e.seq === held + 1)!.lifecycle).toBe('JOURNAL_RESET');
    expect(stored.filter((e) => e.lifecycle === 'SEAL_RESET').map((e) => e.seq)).toEqual([held + 2]);
    // the new chain is stored as starting after the collector's head, and seals everything from there
    const seeds = w.db.prepare('SELECT chain, from_seq AS fromSeq FROM seal_seeds WHERE agent_id = ? ORDER BY from_seq').all(w.agentId) as { chain: number; fromSeq: number }[];
    expect(seeds.map((s) => s.fromSeq)).toEqual([1, held + 1]);
    const chains = w.db.prepare('SELECT seq, seal_chain AS chain FROM events WHERE agent_id = ? ORDER BY seq').all(w.agentId) as { seq: number; chain: number | null }[];
    expect(chains.filter((e) => e.seq > held).every((e) => e.chain === seeds[1]!.chain)).toBe(true);
    expect(chains.filter((e) => e.seq <= held).every((e) => e.chain === firstChain[0]!.chain)).toBe(true);
    expect(w.findings().map((f) => f.kind).sort()).toEqual(['journal_reset', 'seal_reset']);
    expect(w.db.prepare('SELECT COUNT(*) AS n FROM quarantined_batches WHERE agent_id = ?').get(w.agentId)).toEqual({ n: 0 });
    expect((await agent.status()).head).toBe(stored.at(-1)!.seq);
  });

  it('an older journal copy restored (rollback): detected, already delivered events not stored twice, later events exactly once', async () => {
    const w = await setup();
    await w.startCollector();
    const first = await w.startAgentInProcess();
    await first.ask('record early 3');
    expect(await first.ask('drain')).toBe('drained true');
    await first.stop();
    const backup = tempDir('journal-copy');
    for (const file of journalFiles) if (existsSync(join(w.stateDir, file))) copyFileSync(join(w.stateDir, file), join(backup, file));
    const copyHead = w.head();

    const second = await w.startAgentInProcess();
    await second.ask('record middle 4');
    expect(await second.ask('drain')).toBe('drained true');
    await second.stop();
    const held = w.head();
    expect(held).toBeGreaterThan(copyHead + 4);

    for (const file of journalFiles) rmSync(join(w.stateDir, file), { force: true });
    for (const file of journalFiles) if (existsSync(join(backup, file))) copyFileSync(join(backup, file), join(w.stateDir, file));
    const agent = await w.startAgent();
    await agent.ask('wait-connected');
    await agent.ask('record after 3');
    expect(await agent.ask('drain')).toBe('drained true');

    const stored = w.stored();
    expectContiguous(stored);
    expectExactlyOnce(stored, [...tags('early', 3), ...tags('middle', 4)], 0);
    expectExactlyOnce(stored, tags('after', 3), held + 1);
    // The restarted agent's STARTED was journaled on the old copy's numbering (copyHead + 1, a number the collector
    // already holds): it is re-journaled after the reset, not lost and not quarantined.
    expect(stored.filter((e) => e.lifecycle === 'STARTED').length).toBe(3);
    expect(stored.find((e) => e.seq === held + 1)!.lifecycle).toBe('JOURNAL_RESET');
    const findings = w.findings();
    expect(findings.map((f) => f.kind)).toEqual(['journal_reset']);
    expect(findings[0]!.detail).toMatch(new RegExp(`rolled back to seq ${copyHead} .*holds through seq ${held}`));
  });
});

describe('a bad batch never blocks a PC', () => {
  it('an event edited in the journal without recomputing hashes: one finding, that event quarantined as evidence, the rest exactly once', async () => {
    const w = await setup();
    await w.startCollector();
    const before = await w.startAgentInProcess();
    await before.ask('record before 2');
    expect(await before.ask('drain')).toBe('drained true');
    await w.stopCollector();
    await before.ask('record victim 3');
    await before.stop();
    const held = w.head();

    // The attacker rewrites one queued event's bytes in place (same length) and leaves the hashes alone.
    const journal = new Database(join(w.stateDir, 'journal.db'));
    const rows = journal.prepare('SELECT seq, bytes FROM journal ORDER BY seq').all() as { seq: number; bytes: Buffer }[];
    const victim = rows.find((r) => r.bytes.includes('victim-1'))!;
    const edited = Buffer.from(victim.bytes.toString('latin1').replace('victim-1', 'VICTIM-1'), 'latin1');
    journal.prepare('UPDATE journal SET bytes = ? WHERE seq = ?').run(edited, victim.seq);
    journal.close();

    await w.startCollector();
    const agent = await w.startAgent();
    await agent.ask('wait-connected');
    const deadline = Date.now() + 10_000;
    while ((await agent.status()).uplink.quarantined < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await agent.ask('record after 4');
    expect(await agent.ask('drain')).toBe('drained true');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // long enough for a retry storm to show

    const quarantined = w.db.prepare('SELECT id, first_seq AS firstSeq, last_seq AS lastSeq, finding_kind AS kind, attempts FROM quarantined_batches WHERE agent_id = ?')
      .all(w.agentId) as { id: number; firstSeq: number; lastSeq: number; kind: string; attempts: number }[];
    expect(quarantined).toHaveLength(1);
    const [q] = quarantined;
    expect(q).toMatchObject({ kind: 'chain_mismatch', attempts: 1 });
    // the agent sends the altered row on its own, so only it is quarantined
    expect(q).toMatchObject({ firstSeq: victim.seq, lastSeq: victim.seq });
    expect(victim.seq).toBeGreaterThan(held);
    const bytes = (w.db.prepare('SELECT bytes FROM quarantined_events WHERE quarantine_id = ? ORDER BY position').all(q!.id) as { bytes: Buffer }[]).map((r) => r.bytes);
    expect(bytes).toEqual([edited]); // the exact bytes the PC sent are kept

    const stored = w.stored();
    // nothing of the quarantined batch is stored as genuine, so nothing of it reaches the query tables
    expect(stored.filter((e) => e.seq >= q!.firstSeq && e.seq <= q!.lastSeq)).toEqual([]);
    expect(stored.some((e) => /victim-1/i.test(e.name))).toBe(false);
    const printed = w.db.prepare("SELECT COUNT(*) AS n FROM print_jobs WHERE document_name LIKE '%ictim-1'").get() as { n: number };
    expect(printed.n).toBe(0);
    expectExactlyOnce(stored, ['victim-0', 'victim-2'], held);
    expectExactlyOnce(stored, tags('before', 2), 0);
    expectExactlyOnce(stored, tags('after', 4), q!.lastSeq);
    expect(w.findings().map((f) => f.kind)).toEqual(['chain_mismatch']);
    const segments = w.db.prepare('SELECT start_seq AS startSeq, reason FROM chain_segments WHERE agent_id = ?').all(w.agentId);
    expect(segments).toEqual([{ startSeq: q!.lastSeq + 1, reason: 'quarantine' }]);
    const audited = (w.db.prepare("SELECT entry_json AS entry FROM audit_log WHERE action = 'evidence.segment'").all() as { entry: string }[])
      .map((row) => JSON.parse(row.entry) as { agentId: string; reason: string; startSeq: number });
    expect(audited.filter((e) => e.agentId === w.agentId)).toEqual([expect.objectContaining({ reason: 'quarantine', startSeq: q!.lastSeq + 1 })]);
    expect((await agent.status()).backlog.events).toBe(0);
  });

  it('the same refused batch sent again and again: answered each time, one finding, counted, nothing stored as genuine', async () => {
    const w = await setup();
    const raw = new RawAgent(w.stateDir);
    cleanups.push(() => raw.close());
    raw.hello();
    await raw.welcomed();
    expect(await raw.send(raw.makeBatch(2))).toBe(2);
    const good = raw.makeBatch(3);
    const bad = { ...good, events: good.events.map((e, i) => (i === 1 ? Buffer.concat([e, Buffer.from([0x28, 0x01])]) : e)) };
    for (let i = 0; i < 5; i += 1) expect(String(await raw.send(bad))).toMatch(/rejected:COLLECTOR_CHAIN_MISMATCH:.*:quarantined:resume 6/);
    expect(w.findings().map((f) => f.kind)).toEqual(['chain_mismatch']);
    expect(w.db.prepare('SELECT first_seq AS firstSeq, last_seq AS lastSeq, attempts FROM quarantined_batches WHERE agent_id = ?').all(w.agentId))
      .toEqual([{ firstSeq: 3, lastSeq: 5, attempts: 5 }]);
    expect(w.stored().map((e) => e.seq)).toEqual([1, 2]);
    // the stream stayed open and the next segment continues from the refused batch's signed last hash
    expect(await raw.send(raw.makeBatch(2))).toBe(7);
    expect(w.findings().map((f) => f.kind)).toEqual(['chain_mismatch']);
  });
});
