/**
 * Shift_JIS and EUC-JP two-byte characters as lookup tables, so the byte scanner (byte-text-pass.ts) can read
 * characters without decoding whole files. The tables are made once from Node's own decoder (ICU, the WHATWG
 * mappings), pair by pair, so a character read from a table is exactly the one TextDecoder would have produced.
 * A zero entry is a pair TextDecoder does not turn into one character (invalid, or a replacement character).
 */
export type ByteEncodingName = 'utf-8' | 'shift_jis' | 'euc-jp';

const tables = new Map<'shift_jis' | 'euc-jp', Uint16Array>();

/** Lead and trail byte ranges whose pairs can be characters. */
const pairRanges = {
  shift_jis: { lead: [0x81, 0xfc], trail: [0x40, 0xfc] },
  'euc-jp': { lead: [0xa1, 0xfe], trail: [0xa1, 0xfe] },
} as const;

/** The table of `encoding`'s two-byte characters, indexed by lead << 8 | trail. */
export function pairTable(encoding: 'shift_jis' | 'euc-jp'): Uint16Array {
  let table = tables.get(encoding);
  if (table) return table;
  table = new Uint16Array(65_536);
  const decoder = new TextDecoder(encoding);
  const pair = new Uint8Array(2);
  const { lead, trail } = pairRanges[encoding];
  for (let l = lead[0]; l <= lead[1]; l += 1) {
    for (let t = trail[0]; t <= trail[1]; t += 1) {
      pair[0] = l;
      pair[1] = t;
      const text = decoder.decode(pair);
      if (text.length === 1 && text !== '\ufffd') table[(l << 8) | t] = text.charCodeAt(0);
    }
  }
  tables.set(encoding, table);
  return table;
}

/**
 * The bytes of `text` in `encoding`, or undefined when a character has no single way of being written there
 * (Shift_JIS writes some symbols two ways; a search would have to try both).
 */
export function encodeUniquely(text: string, encoding: ByteEncodingName): Uint8Array | undefined {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const table = pairTable(encoding);
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length > 1) return undefined;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    let found = -1;
    for (let index = 0; index < table.length; index += 1) {
      if (table[index] !== code) continue;
      if (found !== -1) return undefined;
      found = index;
    }
    if (found === -1) return undefined;
    bytes.push(found >>> 8, found & 0xff);
  }
  return Uint8Array.from(bytes);
}

/**
 * Whether a character starts at `at` in `bytes[start, …)`, which starts with a character. UTF-8 marks every
 * character's first byte; in Shift_JIS a byte below 0x40 and in EUC-JP one below 0x80 is a character of its
 * own, so the walk starts at the nearest such byte before `at` and reads characters forward to it.
 */
export function isCharStart(bytes: Uint8Array, at: number, start: number, encoding: ByteEncodingName): boolean {
  if (encoding === 'utf-8') return (bytes[at]! & 0xc0) !== 0x80;
  const single = encoding === 'shift_jis' ? 0x40 : 0x80;
  let from = at - 1;
  while (from > start && bytes[from]! >= single) from -= 1;
  let i = Math.max(from, start);
  while (i < at) i += bytes[i]! < 0x80 ? 1 : 2;
  return i === at;
}
