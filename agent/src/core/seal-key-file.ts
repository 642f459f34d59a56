import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

/** What the agent keeps of its seal chain: the current epoch's key, never an earlier one, never the seed… */
export interface SealKeyState {
  /** Random non-zero id of the seal chain (a new chain starts when the state is lost). */
  chain: number;
  epoch: number;
  key: Buffer;
  /**
   * …except a new chain's seed while the collector has not acknowledged it (sent in Hello; the Welcome is the
   * acknowledgement). Until then anyone reading this file could derive that chain's keys: see the README.
   */
  pending?: { seed: Buffer; fromSeq: number; reason: string };
}

const MAGIC = Buffer.from('MAMSEAL1', 'ascii');
const CONTENT = 192;
const SLOT = CONTENT + 32;
const REASON_BYTES = 90;

/**
 * The seal key on disk: a fixed-size file with two slots, each checksummed and numbered by a generation. A write
 * goes to the older slot, is synced, and then the other slot (holding the previous key) is overwritten with
 * zeros and synced: a crash at any point leaves one valid slot, and the old key's bytes are overwritten in place
 * rather than left in a freed block, as a rename would.
 */
export class SealKeyFile {
  readonly #path: string;
  #generation = 0;
  #slot = 0;

  constructor(path: string) {
    this.#path = path;
  }

  /** The saved state, or undefined when the file is missing or no slot is intact (the caller starts a new chain). */
  read(): SealKeyState | undefined {
    if (!existsSync(this.#path)) return undefined;
    const file = Buffer.alloc(SLOT * 2);
    const fd = openSync(this.#path, 'r');
    try {
      readSync(fd, file, 0, file.length, 0);
    } finally {
      closeSync(fd);
    }
    const slots = [0, 1].map((i) => ({ i, state: decodeSlot(file.subarray(i * SLOT, (i + 1) * SLOT)) }));
    const valid = slots.filter((s) => s.state !== undefined) as { i: number; state: { generation: number; value: SealKeyState } }[];
    file.fill(0);
    if (valid.length === 0) return undefined;
    const newest = valid.reduce((a, b) => (a.state.generation >= b.state.generation ? a : b));
    this.#generation = newest.state.generation;
    this.#slot = newest.i;
    // A crash between the two steps of a write left the previous key in the other slot: erase it now.
    if (valid.length > 1) this.#overwrite(1 - newest.i, Buffer.alloc(SLOT));
    return newest.state.value;
  }

  /** Saves `state` durably and erases the previous one from the file. */
  write(state: SealKeyState): void {
    const generation = this.#generation + 1;
    const target = existsSync(this.#path) ? 1 - this.#slot : 0;
    const encoded = encodeSlot(generation, state);
    this.#overwrite(target, encoded);
    encoded.fill(0);
    this.#overwrite(1 - target, Buffer.alloc(SLOT));
    this.#generation = generation;
    this.#slot = target;
  }

  /** Overwrites both slots with zeros and removes the file. */
  erase(): void {
    if (!existsSync(this.#path)) return;
    this.#overwrite(0, Buffer.alloc(SLOT * 2));
    rmSync(this.#path, { force: true });
  }

  #overwrite(slot: number, bytes: Buffer): void {
    const fd = openSync(this.#path, existsSync(this.#path) ? 'r+' : 'w+', 0o600);
    try {
      writeSync(fd, bytes, 0, bytes.length, slot * SLOT);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function encodeSlot(generation: number, state: SealKeyState): Buffer {
  const slot = Buffer.alloc(SLOT);
  MAGIC.copy(slot, 0);
  slot.writeBigUInt64BE(BigInt(generation), 8);
  slot.writeUInt32BE(state.chain, 16);
  slot.writeBigUInt64BE(BigInt(state.epoch), 20);
  state.key.copy(slot, 28);
  if (state.pending) {
    slot.writeBigUInt64BE(BigInt(state.pending.fromSeq), 60);
    state.pending.seed.copy(slot, 68);
    const reason = Buffer.from(state.pending.reason, 'utf8').subarray(0, REASON_BYTES - 1);
    slot.writeUInt8(reason.length, 100);
    reason.copy(slot, 101);
  }
  createHash('sha256').update(slot.subarray(0, CONTENT)).digest().copy(slot, CONTENT);
  return slot;
}

function decodeSlot(slot: Buffer): { generation: number; value: SealKeyState } | undefined {
  if (!slot.subarray(0, 8).equals(MAGIC)) return undefined;
  if (!createHash('sha256').update(slot.subarray(0, CONTENT)).digest().equals(slot.subarray(CONTENT, SLOT))) return undefined;
  const fromSeq = Number(slot.readBigUInt64BE(60));
  const value: SealKeyState = {
    chain: slot.readUInt32BE(16), epoch: Number(slot.readBigUInt64BE(20)), key: Buffer.from(slot.subarray(28, 60)),
  };
  if (fromSeq > 0) {
    value.pending = {
      fromSeq, seed: Buffer.from(slot.subarray(68, 100)), reason: slot.subarray(101, 101 + slot.readUInt8(100)).toString('utf8'),
    };
  }
  return { generation: Number(slot.readBigUInt64BE(8)), value };
}
