import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SealKeyCursor, ZERO_HASH, chainHash, checkBatchSeals, evolveSealKey, sealClose, sealEpochZeroKey, sealEvent } from '@mamori/proto';
import { Journal, type JournalRow } from './journal.ts';
import { Recorder } from './recorder.ts';
import { SealKeyFile } from './seal-key-file.ts';
import { Sealer, newSealChain } from './sealer.ts';

const identity = { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'suzuki' };

/** An enrolled agent's state dir: journal, and a seal file holding k_0 of a chain whose seed the "collector" keeps. */
function enrolled(options = { epochMs: 60_000, epochEvents: 1_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-seal-'));
  const { chain, seed, key } = newSealChain();
  const file = new SealKeyFile(join(dir, 'seal.key'));
  file.write({ chain, epoch: 0, key });
  const journal = new Journal(join(dir, 'journal.db'), { maxBytes: 1e9 });
  const { sealer } = Sealer.open(file, journal, options, 'test');
  journal.sealWith(sealer);
  const recorder = new Recorder(journal, identity, () => 1_700_000_000_000);
  const record = (n: number) => { for (let i = 0; i < n; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: `event ${i}` } }); };
  return { dir, chain, seed, key, file, journal, sealer, record };
}

/** What the collector checks for rows 1..n: every seal, and the close records pointing inside the batch. */
function verify(seed: Buffer, chain: number, journal: Journal, rows: JournalRow[] = journal.read(1, 10_000)) {
  return checkBatchSeals(
    new SealKeyCursor(seed), rows[0]!.seq, rows[0]!.prevHash, Buffer.concat(rows.map((r) => r.hash)), rows.map((r) => r.sealEpoch!),
    Buffer.concat(rows.map((r) => r.seal!)), journal.closesCovering(chain, rows[0]!.seq - 1, rows.at(-1)!.seq),
  );
}

describe('Sealer', () => {
  it('seals each event with its epoch key and evolves the key one-way, erasing the old one from the key file', () => {
    const { chain, seed, key, file, journal, sealer, dir, record } = enrolled();
    const before = readFileSync(join(dir, 'seal.key'));
    expect(before.includes(key)).toBe(true);
    record(3);
    sealer.closeEpoch();
    record(2);
    sealer.closeEpoch();
    const k2 = evolveSealKey(evolveSealKey(sealEpochZeroKey(seed)));
    expect(file.read()).toEqual({ chain, epoch: 2, key: k2 });
    const raw = readFileSync(join(dir, 'seal.key'));
    expect(raw.includes(key)).toBe(false);
    expect(raw.includes(evolveSealKey(key))).toBe(false);
    const rows = journal.read(1, 100);
    expect(rows.map((r) => [r.sealChain, r.sealEpoch])).toEqual([[chain, 0], [chain, 0], [chain, 0], [chain, 1], [chain, 1]]);
    expect(rows[3]!.seal!.equals(sealEvent(evolveSealKey(key), 4, 1, rows[3]!.hash))).toBe(true);
    expect(journal.closesCovering(chain, 0, 5).map((c) => [c.epoch, c.lastSeq])).toEqual([[0, 3], [1, 5]]);
    expect(verify(seed, chain, journal)).toEqual({ ok: true, firstEpoch: 0 });
  });

  it('ends epochs on schedule even when nothing is logged, and after N events', async () => {
    const { chain, seed, journal, sealer, record } = enrolled({ epochMs: 60, epochEvents: 4 });
    const controller = new AbortController();
    sealer.start(controller.signal); // a start ends the epoch the agent stopped in
    record(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const idleEpochs = sealer.epoch;
    expect(idleEpochs).toBeGreaterThanOrEqual(4);
    record(9);
    controller.abort();
    const rows = journal.read(1, 100);
    // after the idle epochs, 9 events at 4 per epoch: epochs e, e, e, e, e+1 ×4, e+2
    expect(rows.slice(1).map((r) => r.sealEpoch! - idleEpochs)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
    const idleCloses = journal.closesCovering(chain, 1, 1);
    expect(idleCloses.length).toBe(idleEpochs - 1);
    expect(verify(seed, chain, journal)).toMatchObject({ ok: true });
  });

  it('finishes an evolution interrupted after the close record was written', () => {
    const { chain, seed, file, journal, dir, record } = enrolled();
    record(2);
    // the close record reached the journal, the process died before the key file was rewritten
    const k0 = sealEpochZeroKey(seed);
    journal.addClose({ chain, epoch: 0, lastSeq: 2, lastHash: journal.lastHash, mac: sealClose(k0, 0, 2, journal.lastHash) });
    journal.close();
    const reopened = new Journal(join(dir, 'journal.db'), { maxBytes: 1e9 });
    const { sealer } = Sealer.open(file, reopened, { epochMs: 60_000, epochEvents: 1_000 }, 'test');
    expect(sealer.epoch).toBe(1);
    expect(file.read()!.key.equals(evolveSealKey(k0))).toBe(true);
  });

  it('starts a new chain when its state is lost, keeping the seed only until the collector acknowledges it', () => {
    const { dir, journal, record } = enrolled();
    record(3);
    rmSync(join(dir, 'seal.key'));
    const file = new SealKeyFile(join(dir, 'seal.key'));
    const { sealer, started } = Sealer.open(file, journal, { epochMs: 60_000, epochEvents: 1_000 }, 'seal state missing');
    expect(started).toBe('seal state missing');
    const pending = sealer.pendingSeed()!;
    expect(pending).toMatchObject({ chain: sealer.chain, fromSeq: 4, reason: 'seal state missing' });
    const seed = Buffer.from(pending.seed as Buffer);
    expect(readFileSync(join(dir, 'seal.key')).includes(seed)).toBe(true);
    sealer.acknowledgeSeed(seed);
    expect(sealer.pendingSeed()).toBeUndefined();
    expect(readFileSync(join(dir, 'seal.key')).includes(seed)).toBe(false);
    expect(file.read()!.key.equals(sealEpochZeroKey(seed))).toBe(true);
  });

  it('treats a corrupted key file as lost (a new chain), never as a crash', () => {
    const { dir, journal } = enrolled();
    writeFileSync(join(dir, 'seal.key'), Buffer.alloc(448, 0xaa));
    const { started } = Sealer.open(new SealKeyFile(join(dir, 'seal.key')), journal, { epochMs: 60_000, epochEvents: 1_000 }, 'unreadable');
    expect(started).toBe('unreadable');
  });

  it('root at a later epoch cannot edit an earlier epoch and recompute the chain without the collector noticing', () => {
    const { chain, seed, file, journal, sealer, record } = enrolled();
    record(5);
    sealer.closeEpoch();
    record(5);
    sealer.closeEpoch();
    record(2);
    // root reads the only key on the PC (epoch 2), edits event 3 (epoch 0), recomputes every later chain hash
    const { key: stolen, epoch: current } = file.read()!;
    const rows = journal.read(1, 100).map((r) => ({ ...r }));
    const edited = Buffer.from(rows[2]!.bytes);
    edited.writeUInt8(edited.readUInt8(edited.length - 1) ^ 1, edited.length - 1);
    rows[2]!.bytes = edited;
    let hash = ZERO_HASH;
    for (const row of rows) {
      row.prevHash = hash;
      row.hash = hash = chainHash(hash, row.bytes);
    }
    expect(verify(seed, chain, journal, rows).ok).toBe(false);
    // …and re-sealing everything from the edit on with the stolen key, as its own epoch, fails too
    for (const row of rows.slice(2)) Object.assign(row, { sealEpoch: current, seal: sealEvent(stolen, row.seq, current, row.hash) });
    const verdict = verify(seed, chain, journal, rows);
    expect(verdict.ok).toBe(false);
    // the untouched journal still verifies
    expect(verify(seed, chain, journal).ok).toBe(true);
  });
});
