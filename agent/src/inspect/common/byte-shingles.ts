/**
 * What each character read from raw bytes means to the byte scanner (byte-text-pass.ts), as one table lookup: its
 * shingle code (fingerprint.ts) for registered documents, −1 for a character shingles skip, or `giveUp` for bytes
 * the scanner must not read itself (no single character: invalid, or decoded otherwise; or a full-width or
 * half-width form, which the string path folds first). Worked out once per process from the pair tables
 * (byte-codecs.ts), so the scan loop neither decodes a character nor compares it against ranges.
 */
import { pairTable } from './byte-codecs.ts';
import { shingleCode } from './fingerprint.ts';

/** A code meaning: leave this text to the decoding path. */
export const giveUp = -2;

const pairCodeTables = new Map<'shift_jis' | 'euc-jp', Int32Array>();

/** Whether the string path folds `char` (full-width ASCII, half-width katakana: fold-widths.ts) before reading it. */
export const isFoldedForm = (char: number) => char >= 0xff01 && char <= 0xff9f;

/** Code of the two-byte character `lead` (≥ 0x80) `trail`, indexed lead << 8 | trail; entries below 0x8000 unused. */
export function pairCodeTable(encoding: 'shift_jis' | 'euc-jp'): Int32Array {
  let table = pairCodeTables.get(encoding);
  if (table) return table;
  const pairs = pairTable(encoding);
  table = new Int32Array(65_536).fill(giveUp);
  for (let index = 0x8000; index < 65_536; index += 1) {
    const char = pairs[index]!;
    if (char !== 0 && !isFoldedForm(char)) table[index] = shingleCode(char);
  }
  pairCodeTables.set(encoding, table);
  return table;
}

/** Shingle codes of the ASCII bytes. */
export const asciiCodes = Int32Array.from({ length: 128 }, (_, c) => shingleCode(c));

let bmpCodes: Int32Array | undefined;

/**
 * Code of each BMP code point as UTF-8 text is read from bytes (the WebAssembly scan, wasm/scan-kernel.c): its
 * shingle code, or `giveUp` for a form the string path folds first. Surrogates never occur in valid UTF-8.
 */
export function bmpCodeTable(): Int32Array {
  bmpCodes ??= Int32Array.from({ length: 65_536 }, (_, char) => (isFoldedForm(char) ? giveUp : shingleCode(char)));
  return bmpCodes;
}
