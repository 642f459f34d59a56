import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainHash, decodeEvent, encodeEvent, generateEd25519KeyPair, loadPrivateKey, signExportManifest, signSegmentAnchor, verifyEvidence,
  type EvidenceDocument, type EvidenceVerdict,
} from '@mamori/proto';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { collectorBin, startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { exportEvidenceFor } from '../harness/evidence.ts';
import { RawAgent } from '../harness/raw-agent.ts';

const verifierFile = join(import.meta.dirname, '../../proto/verifier/verify-evidence.mjs');
const bursts = 4;
const perBurst = 25;

let c: TestCollector;
let doc: EvidenceDocument;
let agentKey: string;
let collectorKey: string;
/** Every event exported: the recorded ones plus the agent's own lifecycle events (started, stopped). */
let total: number;

/** Verifies with both keys pinned, as an auditor would. */
function check(document: unknown, options: { collectorKey?: string; publicKey?: string } = {}): EvidenceVerdict {
  return verifyEvidence(document, { publicKey: agentKey, collectorKey, ...options });
}

function copy(): EvidenceDocument {
  return structuredClone(doc);
}

/** The export without its batch at `index` and the events that batch covers. */
function withoutBatch(index: number): EvidenceDocument {
  const cut = copy();
  const [removed] = cut.batches.splice(index < 0 ? cut.batches.length + index : index, 1);
  cut.events = cut.events.filter((e) => e.seq < removed!.first_seq || e.seq > removed!.last_seq);
  return cut;
}

beforeAll(async () => {
  c = await startTestCollector();
  const agent = await runTestAgent(await enrollTestAgent(await c.token(), { hostname: 'PC-ACCT-07' }));
  // Separate bursts, each drained before the next, so the export holds several signed batches.
  for (let burst = 0; burst < bursts; burst += 1) {
    for (let i = 0; i < perBurst; i += 1) agent.recorder.record(sampleEvent(burst * perBurst + i));
    expect(await agent.uplink.drained(10_000)).toBe(true);
  }
  await agent.stop();
  doc = await exportEvidenceFor(c.app, agent.identity.agentId);
  agentKey = doc.agent.public_key;
  total = doc.events.length;
  collectorKey = c.app.evidenceKey.publicKey.toString('base64');
});
afterAll(async () => c.close());

describe('export manifest signed by the collector', () => {
  it('verifies a whole export, showing only what the hashed bytes say', () => {
    expect(doc.batches.length).toBeGreaterThanOrEqual(3);
    const verdict = check(doc);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.warnings).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(bursts * perBurst);
    expect(verdict.events).toBe(total);
    expect(verdict.summary).toMatchObject({
      agentId: doc.agent.id, pcs: ['PC-ACCT-07'], users: ['tanaka'], firstSeq: 1, lastSeq: total, kinds: { print_job: bursts * perBurst },
    });
    expect(verdict.collector).toMatchObject({ source: 'pinned', fingerprint: c.app.evidenceKey.fingerprint });
    expect(doc.manifest).toMatchObject({ seq: { first: 1, last: total }, event_count: total, batch_count: doc.batches.length });
  });

  it('warns, but passes, when the collector key is only the one embedded in the file', () => {
    const verdict = verifyEvidence(doc);
    expect(verdict.ok).toBe(true);
    expect(verdict.collector?.source).toBe('embedded');
    expect(verdict.warnings.join('\n')).toMatch(/embedded key proves nothing unless it matches the collector's published key/);
  });

  it('fails when the first batch is cut off, saying where the export should start', () => {
    const verdict = check(withoutBatch(0));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(`export starts at seq ${doc.batches[1]!.first_seq} but the signed manifest says 1 (its first events were cut off)`);
    expect(verdict.problems).toContain(`export holds ${total - doc.batches[0]!.last_seq} events but the signed manifest says ${total}`);
  });

  it('fails when the last batch is cut off, saying where the export should end', () => {
    const verdict = check(withoutBatch(-1));
    expect(verdict.ok).toBe(false);
    const last = doc.batches.at(-2)!.last_seq;
    expect(verdict.problems).toContain(`export ends at seq ${last} but the signed manifest says ${total} (its last events were cut off)`);
  });

  it('fails when a batch in the middle is removed, naming the missing seqs', () => {
    const middle = doc.batches[1]!;
    const verdict = check(withoutBatch(1));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(`seq ${middle.first_seq}..${middle.last_seq} missing: no signed batch between seq ${middle.first_seq - 1} and ${middle.last_seq + 1} (a batch was removed from the export)`);
  });

  it('fails when the cut is hidden by editing the manifest to match (the collector signature breaks)', () => {
    const cut = withoutBatch(-1);
    cut.manifest.seq.last = cut.batches.at(-1)!.last_seq;
    const verdict = check(cut);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain('signed manifest: signature does not verify with the pinned collector key (manifest edited, or signed by another collector)');
  });

  it.each([
    ['time_ms', (e: EvidenceDocument['events'][number]) => { e.time_ms += 3_600_000; }],
    ['kind', (e: EvidenceDocument['events'][number]) => { e.kind = 'lifecycle'; }],
    ['pc', (e: EvidenceDocument['events'][number]) => { e.pc = 'PC-OTHER-01'; }],
    ['user', (e: EvidenceDocument['events'][number]) => { e.user = 'suzuki'; }],
  ] as const)("fails when the unhashed copy of '%s' is edited, naming the field and both values", (field, edit) => {
    const edited = copy();
    const event = edited.events[36]!;
    const original = doc.events[36]!;
    edit(event);
    const verdict = check(edited);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      `seq ${event.seq}: field '${field}' in the file says ${JSON.stringify(event[field])}, the signed bytes say ${JSON.stringify(original[field])}`,
    ]);
    // What the verifier shows comes from the bytes, never from the edited copy.
    const listed = verifyEvidence(edited, { publicKey: agentKey, collectorKey, listEvents: true }).eventList!.find((e) => e.seq === event.seq)!;
    expect({ time_ms: listed.timeMs, kind: listed.kind, pc: listed.pc, user: listed.user }[field]).toBe(original[field]);
  });

  it('fails when a field the signed bytes do not hold is added to an event', () => {
    const edited = copy();
    (edited.events[5] as Record<string, unknown>).note = 'approved by manager';
    expect(check(edited).problems).toEqual([`seq ${edited.events[5]!.seq}: field 'note' in the file is not part of the signed bytes`]);
  });

  it('fails when the event bytes are edited, with or without recomputing the hash', () => {
    const edited = copy();
    const event = edited.events[50]!;
    const decoded = decodeEvent(Buffer.from(event.bytes, 'base64'));
    const rewritten = encodeEvent({ ...decoded, user: 'suzuki' } as Parameters<typeof encodeEvent>[0]);
    event.bytes = rewritten.toString('base64');
    event.user = 'suzuki';
    const verdict = check(edited);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(`seq ${event.seq}: hash does not match its bytes (the event bytes or its hash were changed)`);
    // recompute this event's hash in the file too: the signed batch's last hash still gives it away
    const previous = Buffer.from(edited.events[49]!.hash, 'hex');
    event.hash = chainHash(previous, rewritten).toString('hex');
    const recomputed = check(edited);
    const batch = doc.batches.find((b) => b.first_seq <= event.seq && event.seq <= b.last_seq)!;
    expect(recomputed.problems).toContain(`signed batch ${batch.first_seq}..${batch.last_seq}: events do not chain to the signed last hash`);
  });

  it('fails when the manifest is edited, and when it is signed by another collector', () => {
    const edited = copy();
    edited.manifest.agent.pc = 'PC-OTHER-01';
    edited.agent.pc = 'PC-OTHER-01';
    expect(check(edited).problems).toEqual(['signed manifest: signature does not verify with the pinned collector key (manifest edited, or signed by another collector)']);

    const impostor = generateEd25519KeyPair();
    const forged = copy();
    forged.manifest.collector.public_key = impostor.publicKey.toString('base64');
    forged.manifest_signature = signExportManifest(loadPrivateKey(impostor.privateKeyPem), forged.manifest);
    const verdict = check(forged);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(`signed manifest names collector key ${JSON.stringify(impostor.publicKey.toString('base64'))}, not the pinned collector key ${JSON.stringify(collectorKey)}`);
    // without pinning, the forged export passes its own check: that is what the warning is for
    expect(verifyEvidence(forged).warnings.join('\n')).toMatch(/embedded key proves nothing/);
  });

  it('fails with a wrong pinned collector key', () => {
    const wrong = generateEd25519KeyPair().publicKey.toString('base64');
    const verdict = check(doc, { collectorKey: wrong });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain('signed manifest: signature does not verify with the pinned collector key (manifest edited, or signed by another collector)');
  });

  it('fails with a readable copy at the top of the file that differs from the manifest', () => {
    const edited = copy();
    edited.agent.pc = 'PC-OTHER-01';
    expect(check(edited).problems).toEqual([`field 'agent.pc' in the file says "PC-OTHER-01", the signed manifest says "PC-ACCT-07"`]);
  });
});

describe('the same verifier from the command line', () => {
  it('mamori-collector verify and the standalone file give the same one-line reasons and exit codes', () => {
    const dir = tempDir('evidence-cli');
    const whole = join(dir, 'whole.json');
    const cut = join(dir, 'cut.json');
    writeFileSync(whole, JSON.stringify(doc));
    writeFileSync(cut, JSON.stringify(withoutBatch(-1)));
    const keyOut = spawnSync(process.execPath, [collectorBin, '-d', c.dataDir, 'evidence-key', '--json'], { encoding: 'utf8' });
    expect(keyOut.status).toBe(0);
    const published = JSON.parse(keyOut.stdout) as { publicKey: string; fingerprint: string };
    expect(published.publicKey).toBe(collectorKey);
    const pinned = ['--collector-key', published.publicKey, '--public-key', agentKey];
    const cli = (file: string) => spawnSync(process.execPath, [collectorBin, 'verify', file, ...pinned], { encoding: 'utf8' });
    const standalone = (file: string, ...extra: string[]) => spawnSync(process.execPath, [verifierFile, file, ...pinned, ...extra], { encoding: 'utf8' });

    const cliWhole = cli(whole);
    expect(cliWhole.status).toBe(0);
    expect(cliWhole.stdout).toMatch(new RegExp(`^OK: ${total} events in \\d+ signed batches, seq 1\\.\\.${total}`, 'm'));
    expect(standalone(whole).status).toBe(0);
    const last = doc.batches.at(-2)!.last_seq;
    const reason = `FAIL export ends at seq ${last} but the signed manifest says ${total} (its last events were cut off)`;
    const cliCut = cli(cut);
    expect(cliCut.status).toBe(1);
    expect(cliCut.stdout.split('\n')).toContain(reason);
    const standaloneCut = standalone(cut);
    expect(standaloneCut.status).toBe(1);
    expect(standaloneCut.stderr.split('\n')).toContain(reason);
    const json = standalone(cut, '--json');
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as EvidenceVerdict).problems).toContain(reason.slice('FAIL '.length));
  });

  it('exports through the CLI with a manifest signed by the published evidence key', () => {
    const out = join(tempDir('evidence-cli-export'), 'e.json');
    const exported = spawnSync(process.execPath, [collectorBin, '-d', c.dataDir, 'export', '--agent', 'PC-ACCT-07', '-o', out], { encoding: 'utf8' });
    expect(exported.status).toBe(0);
    const verified = spawnSync(process.execPath, [verifierFile, out, '--collector-key', collectorKey], { encoding: 'utf8' });
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });
});

describe('chain segments anchored by the collector', () => {
  it('a chain break fails unless the collector signed a segment boundary there, and then verifies with a note', async () => {
    const raw = new RawAgent(await enrollTestAgent(await c.token()));
    raw.hello();
    await raw.welcomed();
    expect(await raw.send(raw.makeBatch(3))).toBe(3);
    // The next batch restarts the chain from a new starting hash (as after a journal reset): signed, self-consistent.
    const next = raw.makeBatch(2);
    const prevHash = Buffer.alloc(32, 7);
    let hash: Buffer = prevHash;
    for (const bytes of next.events) hash = chainHash(hash, bytes);
    expect(await raw.send(raw.resign({ ...next, prevHash, lastHash: hash }))).toBe(5);
    raw.close();

    const plain = await exportEvidenceFor(c.app, raw.agentId);
    const broken = verifyEvidence(plain, { collectorKey });
    expect(broken.problems).toEqual(['chain break between seq 3 and 4: signed batch 4..5 does not continue the chain']);

    const fields = { agent_id: raw.agentId, start_seq: 4, prev_hash: prevHash.toString('hex'), reason: 'journal_reset', time_ms: Date.now() };
    const anchored = await exportEvidenceFor(c.app, raw.agentId, {
      segments: [{ start_seq: 4, reason: 'journal_reset', prev_hash: fields.prev_hash, anchor: signSegmentAnchor(c.app.evidenceKey.privateKey, fields) }],
    });
    const verdict = verifyEvidence(anchored, { collectorKey });
    expect(verdict.problems).toEqual([]);
    expect(verdict.notes).toContain('seq 4 starts a new chain segment (journal_reset), anchored by the collector');

    const forger = loadPrivateKey(generateEd25519KeyPair().privateKeyPem);
    const forged = await exportEvidenceFor(c.app, raw.agentId, {
      segments: [{ start_seq: 4, reason: 'journal_reset', prev_hash: fields.prev_hash, anchor: signSegmentAnchor(forger, fields) }],
    });
    expect(verifyEvidence(forged, { collectorKey }).problems).toEqual(["segment at seq 4: the anchor's signature does not verify with the collector key"]);
  });

  it("a hole the collector itself never received is declared in the signed manifest: a warning, not a cut", async () => {
    const raw = new RawAgent(await enrollTestAgent(await c.token()));
    raw.hello();
    await raw.welcomed();
    expect(await raw.send(raw.makeBatch(2))).toBe(2);
    raw.makeBatch(2); // seq 3..4: journaled on the PC, never sent
    expect(await raw.send(raw.makeBatch(2))).toBe(6);
    raw.close();
    const holed = await exportEvidenceFor(c.app, raw.agentId);
    expect(holed.manifest.missing).toEqual([{ from_seq: 3, to_seq: 4 }]);
    const verdict = verifyEvidence(holed, { collectorKey });
    expect(verdict.problems).toEqual([]);
    expect(verdict.warnings).toEqual(['seq 3..4 are not in this export: the collector never received them (the signed manifest says so)']);
    // the same hole made by cutting a batch out of a whole export is still a failure (the manifest declares none)
    expect(check(withoutBatch(1)).problems.some((p) => p.includes('a batch was removed from the export'))).toBe(true);
  });
});
