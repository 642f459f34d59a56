import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ZERO_HASH, decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import type { Store } from './store.ts';
import type { AcceptedBatch, QuarantineInput } from './types.ts';

/**
 * What every `Store` implementation must do, as one suite run against each backend (store-contract.*.test.ts).
 * Backends differ in how they keep data, never in what these tests see.
 */
export interface StoreUnderTest {
  store: Store;
  /** Closes `store` and opens the same data again (a collector restart). */
  reopen(): Promise<Store>;
}

const agentId = 'agent-1';
const newAgent = (id = agentId, hardwareId = 'hw-1', enrolledMs = 1_000) => ({
  id, pc: 'PC-1', hardwareId, os: 'linux', publicKey: Buffer.alloc(32, 7), unlockKey: Buffer.alloc(32, 8), enrolledMs, previousAgentId: null,
});

const timeOf = (seq: number) => 1_700_000_000_000 + seq * 1_000;
const printJob = (seq: number): Event => ({
  seq, timeMs: timeOf(seq), agentId, pc: 'PC-1', user: 'tanaka',
  printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 2, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
});

/** A batch as ingest hands it over after verification (hashes chained for real, signature a placeholder). */
function batchOf(firstSeq: number, bytesList: Buffer[], prevHash: Buffer = ZERO_HASH): AcceptedBatch {
  let hash = prevHash;
  const events = bytesList.map((bytes, i) => {
    hash = createHash('sha256').update(hash).update(bytes).digest();
    return { seq: firstSeq + i, bytes, hash, envelope: decodeEnvelope(bytes) };
  });
  return { agentId, firstSeq, lastSeq: firstSeq + bytesList.length - 1, prevHash, lastHash: hash, signature: Buffer.alloc(64, firstSeq), events };
}

const printJobs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => encodeEvent(printJob(from + i)));

export function storeContract(backend: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${backend}`, () => {
    const opened: Store[] = [];
    const start = async (): Promise<StoreUnderTest> => {
      const subject = await open();
      opened.push(subject.store);
      return {
        store: subject.store,
        reopen: async () => {
          const again = await subject.reopen();
          opened.push(again);
          return again;
        },
      };
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    });

    it('keeps agents: create, get, find by hardware id (not retired), retire, list, heartbeat, connection, clock skew', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      const agent = await store.getAgent(agentId);
      expect(agent).toMatchObject({ id: agentId, pc: 'PC-1', hardwareId: 'hw-1', enrolledMs: 1_000, previousAgentId: null, retiredMs: null, lastSeq: 0, connected: false });
      expect(agent!.lastHash.equals(Buffer.alloc(32))).toBe(true);
      expect(agent!.publicKey.equals(Buffer.alloc(32, 7))).toBe(true);
      expect(await store.getAgent('nobody')).toBeUndefined();
      expect((await store.findActiveAgentByHardwareId('hw-1'))?.id).toBe(agentId);

      await store.retireAgent(agentId, 2_000);
      await store.createAgent({ ...newAgent('agent-2', 'hw-1', 3_000), previousAgentId: agentId });
      expect((await store.findActiveAgentByHardwareId('hw-1'))?.id).toBe('agent-2');
      expect((await store.getAgent(agentId))?.retiredMs).toBe(2_000);
      expect((await store.listAgents()).map((a) => a.id)).toEqual([agentId, 'agent-2']);
      await store.createAgent({ ...newAgent('agent-3', 'hw-3', 4_000), pc: 'PC-3' });
      expect((await store.agentsOfPc('PC-1')).map((a) => a.id)).toEqual([agentId, 'agent-2']);
      expect((await store.agentsOfPc('PC-3')).map((a) => a.id)).toEqual(['agent-3']);
      expect(await store.agentsOfPc('PC-none')).toEqual([]);

      const sensors = [{ name: 'usb', state: 'running', detail: '' }];
      await store.recordHeartbeat('agent-2', { timeMs: 5_000, agentVersion: '1.2.3', policyVersion: 4, currentUser: 'suzuki', sensors, journalBacklog: 17 });
      await store.setConnected('agent-2', true, 6_000);
      expect(await store.getAgent('agent-2')).toMatchObject({
        agentVersion: '1.2.3', policyVersion: 4, currentUser: 'suzuki', sensors, journalBacklog: 17, connected: true, lastSeenMs: 6_000, previousAgentId: agentId,
      });
      await store.setConnected('agent-2', false, 7_000);
      expect((await store.getAgent('agent-2'))?.connected).toBe(false);

      expect(await store.noteClockSkew('agent-2', 1_500, 8_000)).toEqual({ previousSkewMs: null });
      expect(await store.noteClockSkew('agent-2', -20, 9_000)).toEqual({ previousSkewMs: 1_500 });
    });

    it('spends enrollment tokens atomically and refuses unknown, used-up, expired and revoked ones', async () => {
      const { store } = await start();
      const secret = (n: number) => Buffer.alloc(32, n);
      await store.createToken({ id: 't1', secretHash: secret(1), createdMs: 1, expiresMs: 10_000, maxUses: 2, createdBy: 'admin' });
      await store.createToken({ id: 't2', secretHash: secret(2), createdMs: 2, expiresMs: 100, maxUses: 5, createdBy: 'admin' });
      const uses = await Promise.all([store.useToken(secret(1), 50), store.useToken(secret(1), 50), store.useToken(secret(1), 50)]);
      expect(uses.filter((u) => u.ok)).toHaveLength(2);
      expect(uses.find((u) => !u.ok)).toEqual({ ok: false, reason: 'used_up' });
      expect(await store.useToken(secret(9), 50)).toEqual({ ok: false, reason: 'unknown' });
      expect(await store.useToken(secret(2), 100)).toEqual({ ok: false, reason: 'expired' });
      expect(await store.revokeToken('t2', 60)).toBe(true);
      expect(await store.revokeToken('t2', 61)).toBe(false);
      expect(await store.useToken(secret(2), 70)).toEqual({ ok: false, reason: 'revoked' });
      expect(await store.listTokens()).toEqual([
        { id: 't1', createdMs: 1, expiresMs: 10_000, maxUses: 2, uses: 2, revokedMs: null },
        { id: 't2', createdMs: 2, expiresMs: 100, maxUses: 5, uses: 0, revokedMs: 60 },
      ]);
    });

    it('appends a batch with its exact bytes and moves the chain head; a resend stores nothing twice, an overlap only the new events', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      const first = batchOf(1, printJobs(1, 5));
      expect(await store.appendBatch(first, 10_000)).toEqual({ inserted: 5 });
      expect(await store.appendBatch(first, 10_001)).toEqual({ inserted: 0 });
      const overlap = batchOf(3, printJobs(3, 8), first.events[1]!.hash);
      expect(await store.appendBatch(overlap, 10_002)).toEqual({ inserted: 3 });
      expect(await store.countEvents(agentId)).toBe(8);
      expect(await store.countEvents()).toBe(8);
      expect(await store.countEvents('agent-x')).toBe(0);

      const head = await store.getAgent(agentId);
      expect(head!.lastSeq).toBe(8);
      expect(head!.lastHash.equals(overlap.lastHash)).toBe(true);
      // An old batch arriving late never moves the head back.
      await store.appendBatch(first, 10_003);
      expect((await store.getAgent(agentId))!.lastSeq).toBe(8);

      const stored = await store.eventsBySeq(agentId, 2, 6);
      expect(stored.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
      expect(stored[0]).toMatchObject({ agentId, pc: 'PC-1', kind: 'print_job', user: 'tanaka', timeMs: timeOf(2), receivedMs: 10_000 });
      expect(stored[4]!.receivedMs).toBe(10_002);
      expect(stored.every((e, i) => e.bytes.equals(encodeEvent(printJob(2 + i))))).toBe(true);
      expect(typeof stored[0]!.id).toBe('number');
      expect((await store.eventHash(agentId, 4))!.equals(first.events[3]!.hash)).toBe(true);
      expect(await store.eventHash(agentId, 99)).toBeUndefined();

      expect(await store.seqRangeForTime(agentId, timeOf(3), timeOf(6))).toEqual({ fromSeq: 3, toSeq: 6 });
      expect(await store.seqRangeForTime(agentId, 0, 1)).toBeUndefined();
      const covering = await store.batchesCovering(agentId, 6, 7);
      expect(covering.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[3, 8]]);
      expect(covering[0]!.signature.equals(overlap.signature)).toBe(true);
      expect(covering[0]!.prevHash.equals(overlap.prevHash)).toBe(true);
      // Every accepted batch is kept with its signature, resends included (three times batch 1..5 here).
      expect((await store.batchesCovering(agentId, 1, 2)).map((b) => b.firstSeq)).toEqual([1, 1, 1]);
    });

    it('appends a batch all or nothing: a failing event leaves no events, no batch and the head where it was', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      await store.appendBatch(batchOf(1, printJobs(1, 2)), 10_000);
      const bad = batchOf(3, printJobs(3, 5));
      // The last event carries values no backend can bind or cast (after two good ones were written in the transaction).
      Object.assign(bad.events[2]!.envelope, { pc: { not: 'text' }, timeMs: 'not a number' });
      await expect(store.appendBatch(bad, 10_001)).rejects.toThrow();
      expect(await store.countEvents(agentId)).toBe(2);
      expect((await store.getAgent(agentId))!.lastSeq).toBe(2);
      expect(await store.batchesCovering(agentId, 3, 5)).toEqual([]);
    });

    it('keeps seal seeds (idempotent per chain) and each sealed event\'s chain, epoch and seal', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      const seed = { chain: 1, seed: Buffer.alloc(32, 3), fromSeq: 1, reason: 'enrollment', receivedMs: 5 };
      await store.addSealSeed(agentId, seed);
      await store.addSealSeed(agentId, { ...seed, seed: Buffer.alloc(32, 4) });
      // Chain ids are unsigned 32-bit: one above 2^31 must round-trip.
      const chain2 = 3_326_336_388;
      await store.addSealSeed(agentId, { chain: chain2, seed: Buffer.alloc(32, 5), fromSeq: 3, reason: 'journal_reset', receivedMs: 6 });
      const seeds = await store.sealSeeds(agentId);
      expect(seeds.map((s) => [s.chain, s.fromSeq, s.reason, s.receivedMs])).toEqual([[1, 1, 'enrollment', 5], [chain2, 3, 'journal_reset', 6]]);
      expect(seeds[0]!.seed.equals(Buffer.alloc(32, 3))).toBe(true);

      const unsealed = batchOf(1, printJobs(1, 1));
      await store.appendBatch(unsealed, 1);
      const sealed = batchOf(2, printJobs(2, 3), unsealed.lastHash);
      const seals = Buffer.concat([Buffer.alloc(32, 0xa1), Buffer.alloc(32, 0xa2)]);
      sealed.seal = { chain: chain2, epochs: [0, 1], seals, closes: [{ epoch: 0, lastSeq: 2, lastHash: sealed.events[0]!.hash, mac: Buffer.alloc(32, 9) }] };
      expect(await store.appendBatch(sealed, 2)).toEqual({ inserted: 2 });
      expect(await store.eventSeal(agentId, 1)).toBeUndefined();
      const seal3 = await store.eventSeal(agentId, 3);
      expect(seal3).toMatchObject({ chain: chain2, epoch: 1 });
      expect(seal3!.seal.equals(Buffer.alloc(32, 0xa2))).toBe(true);
      expect(await store.eventSeal(agentId, 99)).toBeUndefined();
    });

    it('projects each stored event exactly once, oldest first, in chunks, across restarts and concurrent passes', async () => {
      const subject = await start();
      let store = subject.store;
      await store.createAgent(newAgent());
      await store.appendBatch(batchOf(1, printJobs(1, 30)), 1);
      const first = await store.projectPending(12);
      expect(first.events.map((e) => e.stored.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(first.events[0]!.event.printJob?.documentName).toBe('doc-1.pdf');
      expect(first.events[0]!.stored.bytes.equals(encodeEvent(printJob(1)))).toBe(true);
      expect(first.findings).toEqual([]);

      store = await subject.reopen();
      const passes = await Promise.all([store.projectPending(10), store.projectPending(10), store.projectPending(10)]);
      const seqs = passes.flatMap((p) => p.events.map((e) => e.stored.seq)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 18 }, (_, i) => i + 13));
      expect((await store.projectPending(100)).events).toEqual([]);

      await store.appendBatch(batchOf(31, printJobs(31, 32), Buffer.alloc(32, 1)), 2);
      expect((await store.projectPending(100)).events.map((e) => e.stored.seq)).toEqual([31, 32]);
    });

    it('keeps a stored event whose payload does not decode, reports it once as a finding, and projects past it', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      const envelope = encodeEvent({ seq: 2, timeMs: 5, agentId, pc: 'PC-1', user: 'u' });
      const broken = Buffer.concat([envelope, Buffer.from([(12 << 3) | 2, 2, 0xff, 0xff])]);
      await store.appendBatch(batchOf(1, [encodeEvent(printJob(1)), broken, encodeEvent(printJob(3))]), 1);
      const pass = await store.projectPending(10);
      expect(pass.events.map((e) => e.stored.seq)).toEqual([1, 3]);
      expect(pass.findings).toHaveLength(1);
      expect(pass.findings[0]).toMatchObject({ agentId, kind: 'malformed_signed_event' });
      expect(pass.findings[0]!.detail).toContain('signed event 2');
      expect(await store.listIntegrityFindings(agentId)).toHaveLength(1);
      expect((await store.projectPending(10)).findings).toEqual([]);
      expect((await store.eventsBySeq(agentId, 2, 2))[0]!.bytes.equals(broken)).toBe(true);
    });

    it('records integrity findings (count 1 unless given) and lists them in order, per agent or all', async () => {
      const { store } = await start();
      await store.recordIntegrityFinding({ agentId: 'a', pc: 'PC-A', timeMs: 1, kind: 'chain_break', detail: 'x' });
      await store.recordIntegrityFinding({ agentId: 'b', pc: 'PC-B', timeMs: 2, kind: 'stream_auth_failed', detail: 'y', count: 40 });
      await store.recordIntegrityFinding({ agentId: 'a', pc: 'PC-A', timeMs: 3, kind: 'sequence_gap', detail: 'z' });
      expect(await store.listIntegrityFindings('a')).toEqual([
        { agentId: 'a', pc: 'PC-A', timeMs: 1, kind: 'chain_break', detail: 'x', count: 1 },
        { agentId: 'a', pc: 'PC-A', timeMs: 3, kind: 'sequence_gap', detail: 'z', count: 1 },
      ]);
      expect((await store.listIntegrityFindings()).map((f) => [f.kind, f.count])).toEqual([['chain_break', 1], ['stream_auth_failed', 40], ['sequence_gap', 1]]);
    });

    it('quarantines a refused batch once (resends count up), moves the head past it with a segment, and keeps recorded segments', async () => {
      const { store } = await start();
      await store.createAgent(newAgent());
      await store.appendBatch(batchOf(1, printJobs(1, 2)), 1);
      const refused = batchOf(3, printJobs(3, 4), Buffer.alloc(32, 0xee));
      const input: QuarantineInput = {
        agentId, pc: 'PC-1', firstSeq: 3, prevHash: refused.prevHash, lastHash: refused.lastHash, signature: refused.signature,
        events: refused.events.map((e) => e.bytes), code: 'COLLECTOR_CHAIN_MISMATCH', timeMs: 50, segmentAnchorJson: '{"anchor":1}',
        finding: { agentId, pc: 'PC-1', timeMs: 50, kind: 'chain_mismatch', detail: 'does not chain' },
      };
      const first = await store.quarantineBatch(input);
      expect(first).toMatchObject({ firstTime: true, attempts: 1, head: { seq: 4 } });
      expect(first.head.hash.equals(refused.lastHash)).toBe(true);
      const again = await store.quarantineBatch({ ...input, timeMs: 60 });
      expect(again).toMatchObject({ id: first.id, firstTime: false, attempts: 2 });
      expect((await store.listIntegrityFindings(agentId)).map((f) => f.kind)).toEqual(['chain_mismatch']);

      const [kept] = await store.listQuarantinedBatches(agentId);
      expect(kept).toMatchObject({ id: first.id, agentId, firstSeq: 3, lastSeq: 4, code: 'COLLECTOR_CHAIN_MISMATCH', findingKind: 'chain_mismatch', firstMs: 50, lastMs: 60, attempts: 2 });
      expect(kept!.events.map((b) => b.toString('hex'))).toEqual(input.events.map((b) => b.toString('hex')));
      expect(await store.countEvents(agentId)).toBe(2);

      await store.recordChainSegment({ agentId, startSeq: 9, anchorHash: Buffer.alloc(32, 2), reason: 'journal_reset', detail: 'reset', quarantineId: null, timeMs: 70 });
      const segments = await store.listChainSegments(agentId);
      expect(segments.map((s) => [s.startSeq, s.reason, s.quarantineId, s.anchorJson])).toEqual([[5, 'quarantine', first.id, '{"anchor":1}'], [9, 'journal_reset', null, null]]);
      expect(segments[0]!.anchorHash.equals(refused.lastHash)).toBe(true);
    });

    it('keeps users (upsert by name) and counts them', async () => {
      const { store } = await start();
      expect(await store.countUsers()).toBe(0);
      await store.putUser({ username: 'admin', passwordHash: 'h1', role: 'admin', createdMs: 1 });
      await store.putUser({ username: 'admin', passwordHash: 'h2', role: 'auditor', createdMs: 2 });
      await store.putUser({ username: 'ops', passwordHash: 'h3', role: 'operator', createdMs: 3 });
      expect(await store.getUser('admin')).toEqual({ username: 'admin', passwordHash: 'h2', role: 'auditor' });
      expect(await store.getUser('nobody')).toBeUndefined();
      expect(await store.countUsers()).toBe(2);
    });

    it('chains admin audit entries (hash = SHA-256(prev ‖ entry JSON)), also when appended concurrently', async () => {
      const { store } = await start();
      await Promise.all(Array.from({ length: 6 }, (_, i) => store.appendAudit({ timeMs: i, actor: 'admin', action: `act.${i}`, entry: { i } })));
      const entries = (await store.listAudit(10)).reverse();
      expect(entries).toHaveLength(6);
      let prev = ZERO_HASH;
      for (const entry of entries) {
        expect(entry.prevHash.equals(prev)).toBe(true);
        const json = JSON.stringify({ timeMs: entry.timeMs, actor: entry.actor, action: entry.action, entry: entry.entry });
        expect(entry.hash.equals(createHash('sha256').update(prev).update(json).digest())).toBe(true);
        prev = entry.hash;
      }
      expect((await store.listAudit(2)).map((e) => e.id)).toEqual([entries[5]!.id, entries[4]!.id]);
    });

    it('numbers policy versions and returns the newest', async () => {
      const { store } = await start();
      expect(await store.latestPolicyVersion()).toBeUndefined();
      expect(await store.latestPolicyVersionNumber()).toBe(0);
      const sources = [{ name: 'device.yaml', text: 'usb: block\n' }];
      const v1 = await store.savePolicyVersion({ createdMs: 1, createdBy: 'admin', sources, comment: 'first' });
      const v2 = await store.savePolicyVersion({ createdMs: 2, createdBy: 'cli', sources: [], comment: '' });
      expect(v2).toBe(v1 + 1);
      expect(await store.latestPolicyVersionNumber()).toBe(v2);
      expect(await store.latestPolicyVersion()).toEqual({ version: v2, createdMs: 2, createdBy: 'cli', sources: [], comment: '' });
    });

    it('keeps device exceptions: active ones per PC, and a cursor that notices rows stored since', async () => {
      const { store } = await start();
      const start0 = await store.exceptionsAfter(0);
      expect(start0.pcs).toEqual([]);
      const base = { serial: null, mode: 'allow' as const, reason: 'visitor', createdBy: 'admin', revokedMs: null };
      await store.createDeviceException({ ...base, id: 'e1', pc: 'PC-1', untilMs: 1_000, createdMs: 10 });
      await store.createDeviceException({ ...base, id: 'e2', pc: 'PC-1', untilMs: 100, createdMs: 20, serial: 'SN-1', mode: 'read_only' });
      const mid = await store.exceptionsAfter(start0.cursor);
      expect(mid.pcs).toEqual(['PC-1']);
      await store.createDeviceException({ ...base, id: 'e3', pc: 'PC-2', untilMs: 40, createdMs: 30 });
      expect((await store.activeDeviceExceptions('PC-1', 50)).map((e) => [e.id, e.mode, e.serial])).toEqual([['e1', 'allow', null], ['e2', 'read_only', 'SN-1']]);
      expect((await store.activeDeviceExceptions('PC-1', 500)).map((e) => e.id)).toEqual(['e1']);
      expect(await store.activeDeviceExceptions('PC-2', 50)).toEqual([]);
      const later = await store.exceptionsAfter(mid.cursor);
      expect(later.pcs).toEqual(['PC-2']);
      expect(await store.exceptionsAfter(later.cursor)).toEqual({ cursor: later.cursor, pcs: [] });
      expect((await store.activeDeviceExceptions('PC-1', 50))[0]).toEqual({ ...base, id: 'e1', pc: 'PC-1', untilMs: 1_000, createdMs: 10 });
    });
  });
}
