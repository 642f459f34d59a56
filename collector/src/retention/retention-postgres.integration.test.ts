import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySetSchema } from '@mamori/policies';
import { ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, generateEd25519KeyPair, loadPrivateKey, signBatch, type Event } from '@mamori/proto';
import { verifyEvidence } from '../../../proto/verifier/verify-evidence.mjs';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { loadOrCreateEvidenceKey } from '../pki/evidence-key.ts';
import { PostgresCollectorStore } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { retentionRepositoryOf } from '../store/retention.ts';
import { runEvidenceRetention, type RetentionDeps } from './retention-job.ts';

// Retention on PostgreSQL against a real PostgreSQL 15 started here: whole months received (partitions) wholly
// older than the limit go after every agent's export of them verified; the month straddling the limit waits.
const available = ensurePostgres();
const now = Date.UTC(2031, 0, 1);
const fiveYears = PolicySetSchema.parse({ retention: { evidence: '5y' } }).retention;
// 5 × 365 days before 2031-01-01 is 2026-01-02: June and December 2025 are wholly older, January 2026 only partly.
const received = { june2025: Date.UTC(2025, 5, 10), december2025: Date.UTC(2025, 11, 20), january2026: Date.UTC(2026, 0, 1, 6), december2030: Date.UTC(2030, 11, 30) };
const agentKeys = { 'agent-1': generateEd25519KeyPair(), 'agent-2': generateEd25519KeyPair() };
type AgentId = keyof typeof agentKeys;

function copy(agentId: AgentId, seq: number, receivedMs: number): Event {
  return {
    seq, timeMs: receivedMs - 60_000 + seq, agentId, pc: `PC-${agentId}`, user: 'tanaka',
    fileCopy: { destinationPath: `/media/usb/${agentId}-file-${seq}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2048, sha256: 'ab'.repeat(32), operation: 'created' },
  };
}

/**
 * Each agent's signed, chained batches as ingest accepts them, five events each, one per month received above.
 * `misregistered`: that agent is enrolled with another agent's public key, so exports of its evidence do not verify.
 */
async function fill(store: PostgresCollectorStore, misregistered?: AgentId): Promise<void> {
  for (const agentId of Object.keys(agentKeys) as AgentId[]) {
    const keys = agentKeys[agentId];
    const publicKey = agentId === misregistered ? agentKeys['agent-1'].publicKey : keys.publicKey;
    await store.createAgent({ id: agentId, pc: `PC-${agentId}`, hardwareId: agentId, os: 'linux', publicKey, unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    const key = loadPrivateKey(keys.privateKeyPem);
    let prev: Buffer = Buffer.from(ZERO_HASH);
    let seq = 0;
    for (const receivedMs of Object.values(received)) {
      const prevHash = prev;
      const first = seq + 1;
      const events = [];
      for (let i = 0; i < 5; i += 1) {
        seq += 1;
        const bytes = encodeEvent(copy(agentId, seq, receivedMs));
        prev = chainHash(prev, bytes);
        events.push({ seq, bytes, hash: prev, envelope: decodeEnvelope(bytes) });
      }
      const signature = signBatch(key, agentId, first, 5, prevHash, prev);
      await store.appendBatch({ agentId, firstSeq: first, lastSeq: seq, prevHash, lastHash: prev, signature, events }, receivedMs);
    }
  }
  await store.projectPending(Number.MAX_SAFE_INTEGER);
}

describe.skipIf(!available)('evidence retention on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  }, 300_000);

  const open = async (name: string) => new PostgresCollectorStore(await PostgresStore.connect({ url: await server.createDatabase(name) }));
  const deps = (store: PostgresCollectorStore, exportDir: string, at = now): RetentionDeps => ({
    store, retention: retentionRepositoryOf(store)!, exportDir, now: () => at,
    signer: { key: loadOrCreateEvidenceKey(mkdtempSync(join(tmpdir(), 'mamori-retention-key-'))), collectorName: 'test' },
  });
  const seqs = async (store: PostgresCollectorStore, agentId: AgentId) => (await store.eventsBySeq(agentId, 1, 100)).map((e) => e.seq);
  const months = async (store: PostgresCollectorStore) => (await store.partitions.list()).map((p) => p.name);

  it('exports each agent\'s share of the wholly old months, verifies it, then drops the months with their query rows, audited; the straddling month waits', async () => {
    const store = await open('retention_months');
    try {
      await fill(store);
      expect(await months(store)).toEqual(expect.arrayContaining(['events_y2025m06', 'events_y2025m12', 'events_y2026m01', 'events_y2030m12']));
      const d = deps(store, mkdtempSync(join(tmpdir(), 'mamori-retention-pg-')));
      const outcomes = await runEvidenceRetention(d, fiveYears);
      expect(outcomes).toMatchObject([
        { agentId: 'agent-1', fromSeq: 1, toSeq: 10, events: 10, months: ['events_y2025m06', 'events_y2025m12'] },
        { agentId: 'agent-2', fromSeq: 1, toSeq: 10, events: 10, months: ['events_y2025m06', 'events_y2025m12'] },
      ]);
      // January 2026 began before the limit but ends after it: the whole month waits, its events stay.
      for (const agentId of ['agent-1', 'agent-2'] as const) expect(await seqs(store, agentId)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      expect(await months(store)).not.toEqual(expect.arrayContaining(['events_y2025m06']));
      expect(await months(store)).not.toEqual(expect.arrayContaining(['events_y2025m12']));
      expect(await store.batchesCovering('agent-1', 1, 20)).toMatchObject([{ firstSeq: 11, lastSeq: 15 }, { firstSeq: 16, lastSeq: 20 }]);
      // The query rows of dropped events went with them (the log and its keyword search); the rest are still found.
      const logged = await store.repos.logs.search({ limit: 100 });
      expect(logged).toHaveLength(20);
      expect(logged.every((e) => !/-file-([1-9]|10)\.xlsx$/.test(e.summary))).toBe(true);
      expect(await store.repos.logs.search({ text: 'agent-1-file-3', limit: 100 })).toEqual([]);
      expect(await store.repos.logs.search({ text: 'agent-1-file-13', limit: 100 })).toHaveLength(1);

      for (const outcome of outcomes) {
        const doc = JSON.parse(readFileSync(outcome.exportFile, 'utf8')) as unknown;
        const verdict = verifyEvidence(doc, {
          collectorKey: d.signer.key.publicKey.toString('base64'), publicKey: agentKeys[outcome.agentId as AgentId].publicKey.toString('base64'), listEvents: true,
        });
        expect(verdict.problems).toEqual([]);
        expect(verdict.ok).toBe(true);
        expect(verdict.eventList!.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
      const audited = (await store.listAudit(10)).filter((a) => a.action === 'retention.evidence_delete').map((a) => a.entry);
      expect(audited).toEqual(expect.arrayContaining([
        expect.objectContaining({ agentId: 'agent-1', fromSeq: 1, toSeq: 10, events: 10, keep: '5y', months: ['events_y2025m06', 'events_y2025m12'] }),
        expect.objectContaining({ agentId: 'agent-2', fromSeq: 1, toSeq: 10, events: 10, keep: '5y' }),
      ]));
      expect((await store.repos.audit.verifyChain()).ok).toBe(true);

      // Nothing more is due now; a month later January 2026 is wholly old and goes the same way.
      expect(await runEvidenceRetention(d, fiveYears)).toEqual([]);
      expect(readdirSync(d.exportDir)).toHaveLength(2);
      const later = await runEvidenceRetention({ ...d, now: () => Date.UTC(2031, 1, 2) }, fiveYears);
      expect(later).toMatchObject([{ agentId: 'agent-1', fromSeq: 11, toSeq: 15, events: 5, months: ['events_y2026m01'] }, { agentId: 'agent-2', fromSeq: 11, toSeq: 15 }]);
      expect(await seqs(store, 'agent-1')).toEqual([16, 17, 18, 19, 20]);
    } finally {
      await store.close();
    }
  }, 300_000);

  it('drops nothing, for no agent, when one agent\'s export does not verify or cannot be written', async () => {
    const store = await open('retention_failed_export');
    try {
      await fill(store, 'agent-2');
      const exportDir = mkdtempSync(join(tmpdir(), 'mamori-retention-pg-'));
      // agent-1's export verifies; agent-2's does not (its batches were not signed by the key it is enrolled with).
      await expect(runEvidenceRetention(deps(store, exportDir), fiveYears)).rejects.toThrow(/COLLECTOR_RETENTION_EXPORT_FAILED|agent-2/);
      const parent = join(mkdtempSync(join(tmpdir(), 'mamori-retention-bad-')), 'a-file');
      writeFileSync(parent, '');
      await expect(runEvidenceRetention(deps(store, join(parent, 'exports')), fiveYears)).rejects.toThrow();
      for (const agentId of ['agent-1', 'agent-2'] as const) expect(await seqs(store, agentId)).toHaveLength(20);
      expect(await months(store)).toEqual(expect.arrayContaining(['events_y2025m06', 'events_y2025m12']));
      expect((await store.listAudit(10)).filter((a) => a.action === 'retention.evidence_delete')).toEqual([]);
      expect(await store.repos.logs.search({ limit: 100 })).toHaveLength(40);
    } finally {
      await store.close();
    }
  }, 300_000);
});
