import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import {
  chainHash, encodeEvent, signBatch, signExportManifest, verifyEvidence, type EvidenceDocument, type EvidenceVerdict, type Event,
} from '@mamori/proto';
import { exportEvidence, resolveAgent } from '../../collector/src/evidence-export.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { exportEvidenceFor } from '../harness/evidence.ts';
import { RawAgent } from '../harness/raw-agent.ts';
import { InProcessAgent, ScriptedAgent } from '../harness/scripted-agent.ts';

// Issue 13: the signed evidence export meets journal resets and quarantine. One agent (real processes after the
// first run) has its journal deleted, then one queued event edited in place; the export of everything then holds
// both boundaries, each anchored by the collector, and the refused batch in its own section.

const verifierFile = join(import.meta.dirname, '../../proto/verifier/verify-evidence.mjs');
const journalFiles = ['journal.db', 'journal.db-wal', 'journal.db-shm'];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

let collector: TestCollector | undefined;
let dataDir: string;
let grpcPort: number;
let agentId: string;
let doc: EvidenceDocument;
let collectorKey: string;
let resetSeq: number;
let edited: Buffer;
let refused: { firstSeq: number; lastSeq: number };

async function restartCollector(): Promise<TestCollector> {
  collector ??= await startTestCollector({ dataDir, grpcPort });
  return collector;
}

async function stopCollector(): Promise<void> {
  await collector?.close();
  collector = undefined;
}

async function startAgent(stateDir: string): Promise<ScriptedAgent> {
  const agent = await ScriptedAgent.start(stateDir);
  cleanups.push(() => agent.kill());
  return agent;
}

/** The export with its manifest changed by `edit` and signed again with the collector's key (a dishonest exporter). */
function resigned(edit: (copy: EvidenceDocument) => void): EvidenceDocument {
  const copy = structuredClone(doc);
  edit(copy);
  copy.manifest_signature = signExportManifest(collector!.app.evidenceKey.privateKey, copy.manifest);
  return copy;
}

const check = (document: unknown): EvidenceVerdict => verifyEvidence(document, { collectorKey });

beforeAll(async () => {
  collector = await startTestCollector();
  ({ dataDir, grpcPort } = collector);
  collectorKey = collector.app.evidenceKey.publicKey.toString('base64');
  const stateDir = await enrollTestAgent(await collector.token());
  agentId = (JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { agentId: string }).agentId;
  const db = new Database(join(dataDir, 'collector.db'), { readonly: true });
  cleanups.push(() => db.close());
  const head = () => (db.prepare('SELECT last_seq AS seq FROM agents WHERE id = ?').get(agentId) as { seq: number }).seq;

  const first = await InProcessAgent.start(stateDir);
  await first.ask('record before 3');
  expect(await first.ask('drain')).toBe('drained true');
  await first.stop();
  resetSeq = head() + 1;

  // (a) The journal is deleted while the agent is stopped: it declares a journal reset at the collector's head + 1.
  for (const file of journalFiles) rmSync(join(stateDir, file), { force: true });
  const second = await startAgent(stateDir);
  await second.ask('wait-connected');
  await second.ask('record online 2');
  expect(await second.ask('drain')).toBe('drained true');
  await stopCollector();
  await second.ask('record victim 3');
  await second.stop();

  // (b) One queued event is edited in place without recomputing hashes: the collector quarantines it.
  const journal = new Database(join(stateDir, 'journal.db'));
  const victim = (journal.prepare('SELECT seq, bytes FROM journal ORDER BY seq').all() as { seq: number; bytes: Buffer }[])
    .find((r) => r.bytes.includes('victim-1'))!;
  edited = Buffer.from(victim.bytes.toString('latin1').replace('victim-1', 'VICTIM-1'), 'latin1');
  journal.prepare('UPDATE journal SET bytes = ? WHERE seq = ?').run(edited, victim.seq);
  journal.close();
  await restartCollector();
  const third = await startAgent(stateDir);
  await third.ask('wait-connected');
  const deadline = Date.now() + 10_000;
  while ((await third.status()).uplink.quarantined < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await third.ask('record after 2');
  expect(await third.ask('drain')).toBe('drained true');
  await third.stop();
  refused = db.prepare('SELECT first_seq AS firstSeq, last_seq AS lastSeq FROM quarantined_batches WHERE agent_id = ?').get(agentId) as typeof refused;
  expect(refused).toEqual({ firstSeq: victim.seq, lastSeq: victim.seq });

  doc = await exportEvidenceFor(collector.app, agentId);
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopCollector();
});

describe('an export across a journal reset and a quarantine', () => {
  it('verifies with a note per boundary, each anchored by the collector when it recorded it', () => {
    const verdict = check(doc);
    expect(verdict.problems).toEqual([]);
    expect(doc.manifest.segments?.map((s) => [s.start_seq, s.reason])).toEqual([[resetSeq, 'journal_reset'], [refused.lastSeq + 1, 'quarantine']]);
    for (const segment of doc.manifest.segments!) expect(segment.anchor).toMatchObject({ signed_at: 'boundary', agent_id: agentId });
    expect(doc.manifest.segments![1]!.gap).toEqual({ from_seq: refused.firstSeq, to_seq: refused.lastSeq });
    expect(doc.manifest.missing).toBeUndefined(); // the refused seqs are explained by the boundary, not a hole
    const boundaryNotes = verdict.notes.filter((n) => n.includes('starts a new chain segment'));
    expect(boundaryNotes).toHaveLength(2);
    expect(boundaryNotes.join('\n')).toMatch(new RegExp(`seq ${resetSeq} starts a new chain segment \\(journal_reset\\)[^]*seq ${refused.lastSeq + 1} starts a new chain segment \\(quarantine\\)`));
    expect(verdict.notes).toContain(`seq ${refused.firstSeq}..${refused.lastSeq} are not genuine events: the collector refused them and kept them in the quarantined section; the chain goes on at seq ${refused.lastSeq + 1} (quarantine)`);
  });

  it('carries the refused batch byte for byte in its own section, verified as quarantined and never as genuine events', () => {
    expect(doc.quarantined).toHaveLength(1);
    const [q] = doc.quarantined!;
    expect(q).toMatchObject({ first_seq: refused.firstSeq, last_seq: refused.lastSeq, reason: { code: 'COLLECTOR_CHAIN_MISMATCH', finding: 'chain_mismatch' } });
    expect(q!.events.map((e) => Buffer.from(e, 'base64'))).toEqual([edited]);
    expect(doc.events.some((e) => e.seq >= refused.firstSeq && e.seq <= refused.lastSeq)).toBe(false);
    const verdict = check(doc);
    expect(verdict.events).toBe(doc.events.length);
    expect(verdict.quarantined).toEqual([expect.objectContaining({
      firstSeq: refused.firstSeq, lastSeq: refused.lastSeq, events: 1, signatureValid: true, chains: false, code: 'COLLECTOR_CHAIN_MISMATCH',
    })]);
  });

  it('the standalone verifier prints the boundaries and the quarantined batch and exits 0', () => {
    const file = join(tempDir('evidence-segments'), 'export.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(process.execPath, [verifierFile, file, '--collector-key', collectorKey], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`NOTE seq ${resetSeq} starts a new chain segment (journal_reset)`);
    expect(run.stdout).toContain(`QUARANTINED seq ${refused.firstSeq}..${refused.lastSeq}: 1 event(s) refused (COLLECTOR_CHAIN_MISMATCH), agent signature valid, chain broken; not genuine events`);
  });

  it('a segment entry removed fails, naming the seq, even when the manifest is signed again', () => {
    const withoutReset = structuredClone(doc);
    withoutReset.manifest.segments = withoutReset.manifest.segments!.filter((s) => s.reason !== 'journal_reset');
    expect(check(withoutReset).problems).toContain('signed manifest: signature does not verify with the pinned collector key (manifest edited, or signed by another collector)');

    const resetDropped = resigned((d) => { d.manifest.segments = d.manifest.segments!.filter((s) => s.reason !== 'journal_reset'); });
    expect(check(resetDropped).problems).toEqual([
      `seq ${resetSeq}: the agent declared a journal reset here, but the signed manifest lists no segment boundary at seq ${resetSeq} (its segment entry was removed)`,
    ]);
    const quarantineDropped = resigned((d) => { d.manifest.segments = d.manifest.segments!.filter((s) => s.reason !== 'quarantine'); });
    expect(check(quarantineDropped).problems).toEqual([
      `seq ${refused.firstSeq}..${refused.lastSeq} missing: no signed batch between seq ${refused.firstSeq - 1} and ${refused.lastSeq + 1} (a batch was removed from the export)`,
    ]);
  });

  it('the quarantined section cut or edited fails, naming the batch', () => {
    const label = `quarantined batch ${refused.firstSeq}..${refused.lastSeq}`;
    const edit = structuredClone(doc);
    const bytes = Buffer.from(edit.quarantined![0]!.events[0]!, 'base64');
    edit.quarantined![0]!.events[0] = Buffer.from(bytes.toString('latin1').replace('VICTIM-1', 'victim-1'), 'latin1').toString('base64');
    expect(check(edit).problems).toEqual([`${label}: its content differs from what the signed manifest lists (the quarantined section was edited)`]);

    const reason = structuredClone(doc);
    reason.quarantined![0]!.reason.detail = 'nothing happened';
    expect(check(reason).problems).toEqual([`${label}: its content differs from what the signed manifest lists (the quarantined section was edited)`]);

    const cut = structuredClone(doc);
    cut.quarantined = [];
    expect(check(cut).problems).toEqual([
      `${label}: listed in the signed manifest but not in the quarantined section (it was removed)`,
      'quarantined section holds 0 batch(es), the signed manifest says 1',
      `segment at seq ${refused.lastSeq + 1}: the collector anchored it on ${label}, which the quarantined section does not hold`,
    ]);
    const gone = structuredClone(doc);
    delete gone.quarantined;
    expect(check(gone).problems[0]).toBe('quarantined section missing: the signed manifest lists 1 quarantined batch(es) (the section was removed)');
  });

  it('an export of part of the range carries only the boundaries and refused batches that belong to it', async () => {
    const app = collector!.app;
    const agent = await resolveAgent(app.store, agentId);
    const signer = { key: app.evidenceKey, collectorName: app.config.name };
    const resumed = doc.events.find((e) => e.seq === refused.lastSeq + 1)!;
    const tail = await exportEvidence(app.store, agent, resumed.time_ms, 8.64e15, signer);
    expect(check(tail).problems).toEqual([]);
    expect(tail.manifest.segments?.every((s) => s.start_seq >= tail.manifest.seq.first)).toBe(true);
    expect(tail.quarantined?.map((q) => q.first_seq)).toEqual([refused.firstSeq]); // the batch the first boundary is anchored on

    const before = doc.events.filter((e) => e.seq < resetSeq).at(-1)!;
    const head = await exportEvidence(app.store, agent, 0, before.time_ms, signer);
    expect(head.manifest.seq.last).toBeLessThan(resetSeq);
    expect(check(head).problems).toEqual([]);
    expect(head.manifest.segments).toBeUndefined();
    expect(head.quarantined).toBeUndefined();
  });

  it('a boundary recorded without a stored anchor is signed at export and says so; a segment row edited in the database is refused', async () => {
    const db = new Database(join(dataDir, 'collector.db'));
    cleanups.push(() => db.close());
    db.prepare("UPDATE chain_segments SET anchor_json = NULL WHERE agent_id = ? AND reason = 'quarantine'").run(agentId);
    const late = await exportEvidenceFor(collector!.app, agentId);
    expect(late.manifest.segments?.map((s) => s.anchor.signed_at)).toEqual(['boundary', 'export']);
    const verdict = check(late);
    expect(verdict.problems).toEqual([]);
    expect(verdict.notes).toContain(`seq ${refused.lastSeq + 1} starts a new chain segment (quarantine), anchored by the collector at export time (the boundary was recorded before anchors were kept)`);

    db.prepare("UPDATE chain_segments SET anchor_hash = zeroblob(32) WHERE agent_id = ? AND reason = 'journal_reset'").run(agentId);
    await expect(exportEvidenceFor(collector!.app, agentId)).rejects.toThrow(`segment at seq ${resetSeq} of ${agentId}: its stored anchor does not match the recorded boundary`);
  });
});

describe('a journal reset declared inside a batch', () => {
  it('verifies with a note where the chain restarts inside the signed batch; dropping its segment fails', async () => {
    const raw = new RawAgent(await enrollTestAgent(await collector!.token()));
    cleanups.push(() => raw.close());
    raw.hello();
    await raw.welcomed();
    const opening = raw.makeBatch(2);
    expect(await raw.send(opening)).toBe(2);
    // seq 3 an ordinary event, seq 4 the agent's JOURNAL_RESET, seq 5 after it: one signed batch
    const events = [3, 4, 5].map((seq): Buffer => {
      const lifecycle: Event['lifecycle'] = seq === 4
        ? { kind: 'JOURNAL_RESET', detail: 'journal replaced', resetCollectorSeq: 3, resetJournalSeq: 0 }
        : { kind: 'STARTED', detail: `raw ${seq}` };
      return encodeEvent({ seq, timeMs: Date.now(), agentId: raw.agentId, pc: 'RAW', user: 'u', lifecycle });
    });
    let hash = opening.lastHash;
    for (const bytes of events) hash = chainHash(hash, bytes);
    // sealed as the agent seals every batch (its seal chain started at enrollment)
    const batch = raw.reseal({ firstSeq: 3, events, prevHash: opening.lastHash, lastHash: hash, signature: signBatch(raw.key, raw.agentId, 3, 3, opening.lastHash, hash) });
    expect(await raw.send(batch)).toBe(5);

    const inside = await exportEvidenceFor(collector!.app, raw.agentId);
    expect(inside.batches.map((b) => b.first_seq)).toEqual([1, 3]);
    expect(inside.manifest.segments?.map((s) => [s.start_seq, s.reason])).toEqual([[4, 'journal_reset']]);
    const verdict = check(inside);
    expect(verdict.problems).toEqual([]);
    expect(verdict.notes).toContain('seq 4 starts a new chain segment (journal_reset) inside a signed batch, anchored by the collector');

    const dropped = structuredClone(inside);
    delete dropped.manifest.segments;
    dropped.manifest_signature = signExportManifest(collector!.app.evidenceKey.privateKey, dropped.manifest);
    expect(check(dropped).problems).toEqual([
      'seq 4: the agent declared a journal reset here, but the signed manifest lists no segment boundary at seq 4 (its segment entry was removed)',
    ]);
  });
});
