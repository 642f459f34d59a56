import { describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { BatchCrypto } from './batch-crypto-pool.ts';
import { verifyBatch, type IncomingBatch } from './verify-batch.ts';

const limits = { maxEvents: 1_000, maxEventBytes: 65_536 };

async function storeWithAgent(): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'ag', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
  return store;
}

function batchOf(firstSeq: number, prevHash: Buffer, events: Omit<Event, 'seq' | 'agentId' | 'timeMs' | 'pc'>[]): IncomingBatch & { hashes: Buffer[] } {
  const bytes = events.map((e, i) => encodeEvent({ ...e, seq: firstSeq + i, agentId: 'ag', timeMs: 1_700_000_000_000, pc: 'PC-1' }));
  const hashes: Buffer[] = [];
  let hash = prevHash;
  for (const b of bytes) hashes.push((hash = chainHash(hash, b)));
  return { firstSeq, events: bytes, prevHash, lastHash: hash, signature: Buffer.alloc(64), hashes };
}

/** The worker's answer for a batch whose signature verified: real chain hashes and envelopes. */
const checked = (batch: ReturnType<typeof batchOf>) => async (): Promise<BatchCrypto> => ({
  signed: true, hashes: batch.hashes, envelopes: batch.events.map((b) => decodeEnvelope(b)), malformed: undefined, seal: undefined,
});

const print = (name: string) => ({ printJob: { jobId: 1, documentName: name, printer: 'PDF', pages: 1, copies: 1, state: 'completed' } });

describe('collector verdicts for segments', () => {
  it("a batch that opens with the agent's JOURNAL_RESET continues the chain and yields one journal_reset finding naming the lost range", async () => {
    const store = await storeWithAgent();
    const first = batchOf(1, ZERO_HASH, [print('a'), print('b')]);
    const stored = await verifyBatch((await store.getAgent('ag'))!, first, store, limits, checked(first));
    expect(stored).toMatchObject({ action: 'store', findings: [], resets: [] });
    if (stored.action === 'store') await store.appendBatch(stored.batch, 1);

    const reset = batchOf(3, first.lastHash, [
      { lifecycle: { kind: 'JOURNAL_RESET', resetCollectorSeq: 2, resetJournalSeq: 1, renumberedFromSeq: 1, renumberedToSeq: 1 } }, print('renumbered'),
    ]);
    const verdict = await verifyBatch((await store.getAgent('ag'))!, reset, store, limits, checked(reset));
    expect(verdict.action).toBe('store');
    if (verdict.action !== 'store') return;
    expect(verdict.findings.map((f) => f.kind)).toEqual(['journal_reset']); // no chain_break: anchored on the head
    expect(verdict.findings[0]!.detail).toMatch(/deleted or replaced.*events journaled after seq 2 before the reset and not yet delivered can no longer arrive; 1 unsent/);
    expect(verdict.resets).toEqual([{ finding: verdict.findings[0], startSeq: 3, anchorHash: first.lastHash }]);
  });

  it('words a rollback as such', async () => {
    const store = await storeWithAgent();
    const rolled = batchOf(41, Buffer.alloc(32, 1), [{ lifecycle: { kind: 'JOURNAL_RESET', resetCollectorSeq: 40, resetJournalSeq: 12, renumberedFromSeq: 13, renumberedToSeq: 14 } }]);
    await store.appendBatch({ agentId: 'ag', firstSeq: 1, lastSeq: 40, prevHash: ZERO_HASH, lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64), events: [] }, 1);
    const verdict = await verifyBatch((await store.getAgent('ag'))!, rolled, store, limits, checked(rolled));
    expect(verdict.action === 'store' && verdict.findings.map((f) => f.detail)).toEqual([
      expect.stringMatching(/rolled back to seq 12 \(the collector holds through seq 40\).*after seq 40.*2 unsent event/),
    ]);
  });

  it('quarantine keeps the bytes, records one finding however often the same batch comes, and opens a segment the next batch continues', async () => {
    const store = await storeWithAgent();
    const bad = batchOf(1, ZERO_HASH, [print('a'), print('b')]);
    const finding = { agentId: 'ag', pc: 'PC-1', timeMs: 5, kind: 'chain_mismatch', detail: 'batch 1..2' };
    const input = { agentId: 'ag', pc: 'PC-1', firstSeq: 1, prevHash: bad.prevHash, lastHash: bad.lastHash, signature: bad.signature, events: bad.events, code: 'COLLECTOR_CHAIN_MISMATCH', finding, timeMs: 5 };
    const first = await store.quarantineBatch(input);
    expect(first).toMatchObject({ firstTime: true, attempts: 1, head: { seq: 2 } });
    expect(first.head.hash.equals(bad.lastHash)).toBe(true);
    const again = await store.quarantineBatch({ ...input, timeMs: 9 });
    expect(again).toMatchObject({ id: first.id, firstTime: false, attempts: 2 });
    expect((await store.listIntegrityFindings('ag')).map((f) => f.kind)).toEqual(['chain_mismatch']);
    const [kept] = await store.listQuarantinedBatches('ag');
    expect(kept).toMatchObject({ firstSeq: 1, lastSeq: 2, attempts: 2, code: 'COLLECTOR_CHAIN_MISMATCH', lastMs: 9 });
    expect(kept!.events).toEqual(bad.events);
    expect(await store.countEvents('ag')).toBe(0);
    expect(await store.projectPending(100)).toEqual({ events: [], findings: [] });
    expect(await store.listChainSegments('ag')).toEqual([expect.objectContaining({ startSeq: 3, reason: 'quarantine', quarantineId: first.id })]);

    const next = batchOf(3, bad.lastHash, [print('later')]);
    const verdict = await verifyBatch((await store.getAgent('ag'))!, next, store, limits, checked(next));
    expect(verdict).toMatchObject({ action: 'store', findings: [] });
  });
});
