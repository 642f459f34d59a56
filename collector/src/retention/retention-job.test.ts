import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicySetSchema } from '@mamori/policies';
import { ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, generateEd25519KeyPair, loadPrivateKey, signBatch, type Event } from '@mamori/proto';
import { verifyEvidence } from '../../../proto/verifier/verify-evidence.mjs';
import { loadOrCreateEvidenceKey } from '../pki/evidence-key.ts';
import { SqliteRetentionRepository } from '../store/sqlite/repositories/retention.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { runEvidenceRetention, type RetentionDeps } from './retention-job.ts';

const day = 86_400_000;
const now = Date.UTC(2031, 0, 1);
const agentKeys = generateEd25519KeyPair();
const stores: SqliteStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

function copy(seq: number): Event {
  return {
    seq, timeMs: now - 2000 * day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
    fileCopy: { destinationPath: `/media/usb/file-${seq}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2048, sha256: 'ab'.repeat(32), operation: 'created' },
  };
}

/** A sent mail with one attachment: its query rows span mails, mail_attachments and the mail keyword index. */
function mail(seq: number): Event {
  return {
    seq, timeMs: now - 2000 * day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
    mail: { messageId: `<m${seq}@city.example>`, from: 'tanaka@city.example', to: ['a@gmail.example'], cc: [], bcc: [], subject: `住民一覧 ${seq}`,
      sizeBytes: 900, verdict: 'relayed', rule: '', attachments: [{ fileName: `list-${seq}.csv`, contentType: 'text/csv', sizeBytes: 800, sha256: 'cd'.repeat(32), inline: false }] },
  };
}

/** The agent's signed, chained batches as ingest accepts them: seqs 1–10 received 6 years ago, 11–15 and 16–20 later. */
async function filledStore(make: (seq: number) => Event = copy): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  await store.createAgent({ id: 'agent-1', pc: 'PC-ACCT-07', hardwareId: 'hw', os: 'linux', publicKey: agentKeys.publicKey, unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
  const key = loadPrivateKey(agentKeys.privateKeyPem);
  let prev: Buffer = Buffer.from(ZERO_HASH);
  const batches: [number, number, number][] = [[1, 5, now - 6 * 365 * day], [6, 10, now - 6 * 365 * day + day], [11, 15, now - 4 * 365 * day], [16, 20, now - day]];
  for (const [first, last, receivedMs] of batches) {
    const prevHash = prev;
    const events = [];
    for (let seq = first; seq <= last; seq += 1) {
      const bytes = encodeEvent(make(seq));
      prev = chainHash(prev, bytes);
      events.push({ seq, bytes, hash: prev, envelope: decodeEnvelope(bytes) });
    }
    const signature = signBatch(key, 'agent-1', first, last - first + 1, prevHash, prev);
    await store.appendBatch({ agentId: 'agent-1', firstSeq: first, lastSeq: last, prevHash, lastHash: prev, signature, events }, receivedMs);
  }
  await store.projectPending(Number.MAX_SAFE_INTEGER);
  return store;
}

function deps(store: SqliteStore, exportDir = mkdtempSync(join(tmpdir(), 'mamori-retention-'))): RetentionDeps {
  const key = loadOrCreateEvidenceKey(mkdtempSync(join(tmpdir(), 'mamori-retention-key-')));
  return { store, retention: new SqliteRetentionRepository(store.db), signer: { key, collectorName: 'test' }, exportDir, now: () => now };
}

const fiveYears = PolicySetSchema.parse({ retention: { evidence: '5y' } }).retention;
const storedSeqs = async (store: SqliteStore) => (await store.eventsBySeq('agent-1', 1, 100)).map((e) => e.seq);

describe('evidence retention', () => {
  it('validates the retention section strictly', () => {
    expect(PolicySetSchema.parse({}).retention).toEqual({});
    expect(PolicySetSchema.safeParse({ retention: { evidence: '5 years' } }).success).toBe(false);
    expect(PolicySetSchema.safeParse({ retention: { evidnce: '5y' } }).success).toBe(false);
  });

  it('exports exactly the expired events, verifies the export, then deletes them and their query rows; newer ones stay', async () => {
    const store = await filledStore();
    const d = deps(store);
    const outcomes = await runEvidenceRetention(d, fiveYears);
    expect(outcomes).toMatchObject([{ agentId: 'agent-1', fromSeq: 1, toSeq: 10, events: 10 }]);
    expect(await storedSeqs(store)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // The query rows of deleted events went with them; the rest are still searchable.
    const logged = await store.repos.logs.search({ limit: 100 });
    expect(logged.map((e) => e.summary).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/media/usb/file-${i + 11}.xlsx`).sort());
    expect(await store.repos.logs.search({ text: 'media', limit: 100 })).toHaveLength(10); // the keyword index too

    const doc = JSON.parse(readFileSync(outcomes[0]!.exportFile, 'utf8')) as unknown;
    const verdict = verifyEvidence(doc, { collectorKey: d.signer.key.publicKey.toString('base64'), publicKey: agentKeys.publicKey.toString('base64'), listEvents: true });
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.eventList!.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await store.listAudit(5)).find((a) => a.action === 'retention.evidence_delete')?.entry).toMatchObject({ agentId: 'agent-1', fromSeq: 1, toSeq: 10, events: 10, keep: '5y' });

    // Nothing more is due: a second run deletes nothing and writes no export.
    expect(await runEvidenceRetention(d, fiveYears)).toEqual([]);
    expect(readdirSync(d.exportDir)).toHaveLength(1);
  });

  it('deletes expired mails with their attachments and keyword index entries (attachments reference mails, not events)', async () => {
    const store = await filledStore(mail);
    expect(await runEvidenceRetention(deps(store), fiveYears)).toMatchObject([{ agentId: 'agent-1', fromSeq: 1, toSeq: 10, events: 10 }]);
    expect(await storedSeqs(store)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const left = await store.repos.mail.search({ limit: 100 });
    expect(left.map((m) => m.subject).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `住民一覧 ${i + 11}`).sort());
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM mail_attachments').get() as { n: number }).n).toBe(10);
    expect(await store.repos.mail.search({ text: 'list-', limit: 100 })).toHaveLength(10);
    // The contentless keyword index holds one row per mail left, no orphans of the deleted ones.
    expect((store.db.prepare('SELECT rowid FROM mails_fts ORDER BY rowid').all() as { rowid: number }[]).map((r) => r.rowid)).toEqual(left.map((m) => m.id).sort((a, b) => a - b));
  });

  it('deletes nothing when the export cannot be written, and nothing without a retention for the kind', async () => {
    const store = await filledStore();
    // A directory that cannot be made (its parent is a file): the export fails before anything is deleted.
    const parent = join(mkdtempSync(join(tmpdir(), 'mamori-retention-bad-')), 'a-file');
    writeFileSync(parent, '');
    const exportDir = join(parent, 'exports');
    await expect(runEvidenceRetention(deps(store, exportDir), fiveYears)).rejects.toThrow();
    expect(await storedSeqs(store)).toHaveLength(20);
    expect(await runEvidenceRetention(deps(store), PolicySetSchema.parse({}).retention)).toEqual([]);
    expect(await storedSeqs(store)).toHaveLength(20);
  });
});
