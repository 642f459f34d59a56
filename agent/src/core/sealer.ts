import { randomBytes } from 'node:crypto';
import { evolveSealKey, sealClose, sealEpochZeroKey, sealEvent, type SealSeed } from '@mamori/proto';
import type { EventSealer, Journal } from './journal.ts';
import type { SealKeyFile, SealKeyState } from './seal-key-file.ts';

export interface SealerOptions {
  /** An epoch ends after this long (monotonic: Node's timers run on the monotonic clock)… */
  epochMs: number;
  /** …or after this many events, whichever comes first. */
  epochEvents: number;
}

/** A fresh seal chain: random seed and id, the seed's epoch-0 key. The caller hands the seed to the collector. */
export function newSealChain(): { chain: number; seed: Buffer; key: Buffer } {
  const seed = randomBytes(32);
  const chain = randomBytes(4).readUInt32BE(0) || 1;
  return { chain, seed, key: sealEpochZeroKey(seed) };
}

/**
 * The agent's forward-secure seal (Schneier–Kelsey; systemd-journald's FSS): every event's chain hash is sealed
 * with the current epoch's key as it is journaled. When an epoch ends — on schedule even if nothing was logged,
 * or after N events — a close record (epoch, journal head, MAC) is journaled and synced, and only then is the
 * key evolved one-way, the old one overwritten in memory and on disk. Root on the PC at time T holds the key of
 * T's epoch only: it cannot re-seal an event of an earlier epoch, nor move one into its own epoch, because the
 * collector demands a valid close record for every epoch an event skips.
 */
export class Sealer implements EventSealer {
  readonly #file: SealKeyFile;
  readonly #journal: Journal;
  readonly #options: SealerOptions;
  #state: SealKeyState;
  #eventsInEpoch = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * Opens the saved seal state. When there is none (deleted, corrupted, or an agent enrolled before sealing) a
   * new chain starts from the next seq, its seed kept until the collector acknowledges it: `started` says why.
   */
  static open(file: SealKeyFile, journal: Journal, options: SealerOptions, missingReason: string): { sealer: Sealer; started?: string } {
    const saved = file.read();
    if (saved) return { sealer: new Sealer(file, journal, options, saved) };
    const { chain, seed, key } = newSealChain();
    const state: SealKeyState = { chain, epoch: 0, key, pending: { seed, fromSeq: journal.lastSeq + 1, reason: missingReason } };
    file.write(state);
    return { sealer: new Sealer(file, journal, options, state), started: missingReason };
  }

  private constructor(file: SealKeyFile, journal: Journal, options: SealerOptions, state: SealKeyState) {
    this.#file = file;
    this.#journal = journal;
    this.#options = options;
    this.#state = state;
    // A crash between journaling a close record and saving the evolved key: finish the evolution now.
    while (journal.hasClose(state.chain, this.#state.epoch)) this.#evolve();
  }

  get chain(): number {
    return this.#state.chain;
  }

  get epoch(): number {
    return this.#state.epoch;
  }

  /** Starts the epoch timer; a start also ends the epoch the agent stopped in, so a restart never stretches one. */
  start(signal: AbortSignal): void {
    this.closeEpoch();
    signal.addEventListener('abort', () => clearTimeout(this.#timer), { once: true });
  }

  sealEvent(seq: number, hash: Buffer): { chain: number; epoch: number; mac: Buffer } {
    return { chain: this.#state.chain, epoch: this.#state.epoch, mac: sealEvent(this.#state.key, seq, this.#state.epoch, hash) };
  }

  afterAppend(): void {
    this.#eventsInEpoch += 1;
    if (this.#eventsInEpoch >= this.#options.epochEvents) this.closeEpoch();
  }

  /** Journals the close record of the current epoch (durably), then evolves the key and restarts the timer. */
  closeEpoch(): void {
    const { chain, epoch, key } = this.#state;
    const lastSeq = this.#journal.lastSeq;
    const lastHash = this.#journal.lastHash;
    this.#journal.addClose({ chain, epoch, lastSeq, lastHash, mac: sealClose(key, epoch, lastSeq, lastHash) });
    this.#evolve();
    this.#eventsInEpoch = 0;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.closeEpoch(), this.#options.epochMs);
    this.#timer.unref();
  }

  /** The new chain's seed while the collector has not acknowledged it (sent in Hello). */
  pendingSeed(): SealSeed | undefined {
    const pending = this.#state.pending;
    return pending && { chain: this.#state.chain, seed: pending.seed, fromSeq: pending.fromSeq, reason: pending.reason };
  }

  /** The collector holds the seed (it welcomed a Hello carrying it): erase it here. */
  acknowledgeSeed(seed: Uint8Array): void {
    const pending = this.#state.pending;
    if (!pending || !pending.seed.equals(seed)) return;
    this.#state = { chain: this.#state.chain, epoch: this.#state.epoch, key: this.#state.key };
    this.#file.write(this.#state);
    pending.seed.fill(0);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #evolve(): void {
    const old = this.#state.key;
    this.#state = { ...this.#state, epoch: this.#state.epoch + 1, key: evolveSealKey(old) };
    this.#file.write(this.#state);
    old.fill(0);
  }
}
