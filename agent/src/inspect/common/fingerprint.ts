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

/** Rolling shingle hasher; feed text in pieces of any size, the shingles run across pieces. */
export class ShingleHasher {
  readonly #size: number;
  readonly #window: Int32Array;
  readonly #power: number;
  readonly #onHash: (hash: number) => void;
  #filled = 0;
  #at = 0;
  #hash = 0;

  constructor(shingleChars: number, onHash: (hash: number) => void) {
    this.#size = shingleChars;
    this.#window = new Int32Array(shingleChars);
    let power = 1;
    for (let i = 1; i < shingleChars; i += 1) power = Math.imul(power, shingleBase);
    this.#power = power;
    this.#onHash = onHash;
  }

  push(text: string): void {
    // Hot loop (every character of every inspected file when documents are registered): locals only, keep() inlined.
    const size = this.#size;
    const window = this.#window;
    const power = this.#power;
    const onHash = this.#onHash;
    let hash = this.#hash;
    let filled = this.#filled;
    let at = this.#at;
    const length = text.length;
    for (let i = 0; i < length; i += 1) {
      let code = text.charCodeAt(i);
      if (code < 0xc0) {
        if (code >= 65 && code <= 90) code += 32;
        else if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) continue;
      } else if (code === 0xd7 || code === 0xf7 || (code >= 0x2000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xff0f)) {
        continue;
      }
      if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
      else filled += 1;
      hash = (Math.imul(hash, shingleBase) + code) | 0;
      window[at] = code;
      at += 1;
      if (at === size) at = 0;
      if (filled === size) {
        // murmur3's finaliser, inlined: spreads the polynomial hash so its low bits are fit for sampling.
        let h = hash ^ (hash >>> 16);
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
        if ((h & shingleSampleMask) === 0) onHash(h >>> 0);
      }
    }
    this.#hash = hash;
    this.#filled = filled;
    this.#at = at;
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
