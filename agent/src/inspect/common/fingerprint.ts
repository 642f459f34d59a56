/**
 * Exact-data match of registered documents. A document's text is reduced to its letters and digits (lower-cased;
 * full-width forms are NFKC-folded by the scanner first), every run of `shingleChars` of them is hashed with a
 * rolling hash, and a fixed 1-in-8 sample of the hashes (chosen by the hash value itself, so the same text
 * always picks the same shingles wherever it sits) is the fingerprint. A file shares most of those hashes only
 * if it holds most of the document's text — whatever its format, encoding, line breaks or spacing.
 */

export const shingleBase = 0x01000193;
/** One hash in eight is kept; documents of a few hundred characters still give dozens. */
export const shingleSampleMask = 7;

/**
 * The letter or digit a character counts as in a shingle (ASCII lower-cased), or -1 for characters shingles skip:
 * ASCII punctuation and spaces, ×, ÷, general punctuation, CJK symbols and punctuation, full-width punctuation.
 */
export function shingleCode(code: number): number {
  if (code < 0xc0) {
    if (code >= 65 && code <= 90) return code + 32;
    return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) ? code : -1;
  }
  return code === 0xd7 || code === 0xf7 || (code >= 0x2000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xff0f) ? -1 : code;
}

/** murmur3's finaliser: spreads the polynomial hash so its low bits are fit for sampling. A bijection on 32 bits. */
export function finalizeShingle(raw: number): number {
  let h = raw ^ (raw >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The inverse of `finalizeShingle`: the polynomial hash a finalised (registered) hash came from. */
export function unfinalizeShingle(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x7ed1b41d);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243);
  return (h ^ (h >>> 16)) | 0;
}

/** The state of a rolling shingle hash: a ring of the last `size` shingle characters and their polynomial hash. */
export class RollingShingle {
  readonly size: number;
  readonly window: Int32Array;
  /** shingleBase^(size-1): the weight of the character leaving the window. */
  readonly power: number;
  filled = 0;
  at = 0;
  hash = 0;

  constructor(size: number) {
    this.size = size;
    this.window = new Int32Array(size);
    let power = 1;
    for (let i = 1; i < size; i += 1) power = Math.imul(power, shingleBase);
    this.power = power;
  }
}

/** Rolling shingle hasher; feed text in pieces of any size, the shingles run across pieces. Emits every sampled hash. */
export class ShingleHasher {
  readonly #state: RollingShingle;
  readonly #onHash: (hash: number) => void;

  constructor(shingleChars: number, onHash: (hash: number) => void) {
    this.#state = new RollingShingle(shingleChars);
    this.#onHash = onHash;
  }

  push(text: string): void {
    const state = this.#state;
    const { size, window, power } = state;
    let { hash, filled, at } = state;
    for (let i = 0; i < text.length; i += 1) {
      const code = shingleCode(text.charCodeAt(i));
      if (code < 0) continue;
      if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
      else filled += 1;
      hash = (Math.imul(hash, shingleBase) + code) | 0;
      window[at] = code;
      at += 1;
      if (at === size) at = 0;
      if (filled === size) {
        const h = finalizeShingle(hash);
        if ((h & shingleSampleMask) === 0) this.#onHash(h);
      }
    }
    state.hash = hash;
    state.filled = filled;
    state.at = at;
  }
}

/**
 * Finds the shingles of registered documents in text, as `ShingleHasher` would emit them, more cheaply: the wanted
 * (finalised, sampled) hashes are turned back into the polynomial hashes they came from, so each character costs
 * the rolling step and one bit test — no finaliser, no sampling. `onMatch` gets the registered (finalised) hash.
 * The byte scanner (byte-text-pass.ts) rolls the same `state` over raw bytes and tests it with `wants`.
 */
export class ShingleMatcher {
  readonly state: RollingShingle;
  /** 65,536-bit filter over bits 8–23 of the wanted polynomial hashes. */
  readonly filter = new Int32Array(2048);
  readonly #wanted = new Map<number, number>();
  readonly onMatch: (hash: number) => void;

  constructor(shingleChars: number, hashes: Iterable<number>, onMatch: (hash: number) => void) {
    this.state = new RollingShingle(shingleChars);
    this.onMatch = onMatch;
    for (const hash of hashes) {
      // A hash the sampler would never emit can never be seen (as with ShingleHasher).
      if ((hash & shingleSampleMask) !== 0) continue;
      const raw = unfinalizeShingle(hash);
      this.#wanted.set(raw, hash >>> 0);
      const bit = (raw >>> 8) & 0xffff;
      this.filter[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** Called for a polynomial hash that passed the filter: reports it when it is a wanted one. */
  check(raw: number): void {
    const hash = this.#wanted.get(raw);
    if (hash !== undefined) this.onMatch(hash);
  }

  push(text: string): void {
    const state = this.state;
    const { size, window, power } = state;
    const filter = this.filter;
    let { hash, filled, at } = state;
    for (let i = 0; i < text.length; i += 1) {
      const code = shingleCode(text.charCodeAt(i));
      if (code < 0) continue;
      if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
      else filled += 1;
      hash = (Math.imul(hash, shingleBase) + code) | 0;
      window[at] = code;
      at += 1;
      if (at === size) at = 0;
      if (filled === size) {
        const bit = (hash >>> 8) & 0xffff;
        if ((filter[bit >>> 5]! & (1 << (bit & 31))) !== 0) this.check(hash);
      }
    }
    state.hash = hash;
    state.filled = filled;
    state.at = at;
  }
}

/** The fingerprint of a text: its sampled shingle hashes, distinct and sorted. */
export function fingerprintText(text: string, shingleChars = 12): Uint32Array {
  const hashes = new Set<number>();
  new ShingleHasher(shingleChars, (hash) => hashes.add(hash)).push(text.normalize('NFKC'));
  return Uint32Array.from([...hashes].sort((a, b) => a - b));
}

/** Base64 of the hashes, big-endian, as policy stores them. */
export function encodeHashes(hashes: Uint32Array): string {
  const bytes = Buffer.alloc(hashes.length * 4);
  hashes.forEach((hash, index) => bytes.writeUInt32BE(hash, index * 4));
  return bytes.toString('base64');
}

export function decodeHashes(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Uint32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i += 1) out[i] = bytes.readUInt32BE(i * 4);
  return out;
}
