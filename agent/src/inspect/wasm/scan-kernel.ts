/**
 * The WebAssembly scan loops (scan-kernel.c) as the byte pass uses them: compiled once per process from the bytes
 * in scan-kernel-wasm.ts (WebAssembly runs the same under Node, Electron and on Windows, unlike a native addon).
 * The kernel reads one block of at most `kernelBlockBytes` per call from its own memory; this module copies blocks
 * in and what it found out.
 */
import { scanKernelBase64 } from './scan-kernel-wasm.ts';

/** Bytes the kernel reads per call (BLOCK in scan-kernel.c). */
export const kernelBlockBytes = 65_536;
/** The longest shingle the kernel's ring holds (MAX_SHINGLE; the policy schema allows 4–64). */
export const kernelMaxShingle = 64;
/** The longest keyword `findKeyword` looks for, less one byte (MAX_KEYWORD_SPAN). */
export const kernelMaxKeywordSpan = 64;

/** Slots of the kernel's state array (the enum in scan-kernel.c, same order). */
export const slot = {
  hash: 0, filled: 1, at: 2, inRun: 3, runStart: 4, separator: 5, size: 6, power: 7, rolling: 8,
  /** Out: where the block's last character ended (input offset), its characters, run ints and candidates. */
  end: 9, chars: 10, runs: 11, candidates: 12,
  /** In: which detectors the kernel reports for (`kernelDetector` bits). Out: numbers it found (`found*`). */
  detectors: 13, found: 14,
} as const;

/** The detectors whose numbers the kernel reports itself, as bits (MY_NUMBER … ACCOUNT in scan-kernel.c). */
export const kernelDetector = { my_number: 1, phone: 2, postal_code: 4, bank_account: 8 } as const;

interface Exports {
  memory: WebAssembly.Memory;
  input_address(): number;
  codes_address(): number;
  ascii_codes_address(): number;
  filter_address(): number;
  ring_address(): number;
  runs_address(): number;
  candidates_address(): number;
  state_address(): number;
  found_values_address(): number;
  found_kinds_address(): number;
  keyword_hits_address(): number;
  scan_pairs(base: number, limit: number, available: number): number;
  scan_utf8(base: number, limit: number): number;
  find_keyword(limit: number, first: number, last: number, span: number, fold: number): number;
}

/** Views of the kernel's arrays (its memory never grows: no allocator) and its two scan functions. */
export class ScanKernel {
  readonly input: Uint8Array;
  readonly asciiCodes: Int32Array;
  readonly filter: Int32Array;
  readonly ring: Int32Array;
  readonly runs: Int32Array;
  readonly candidates: Int32Array;
  readonly state: Int32Array;
  /** Numbers the last call found, and each one's detector (a `kernelDetector` bit). */
  readonly foundValues: Float64Array;
  readonly foundKinds: Int32Array;
  /** Where the last `findKeyword` found its bytes. */
  readonly keywordHits: Int32Array;
  readonly #codes: Int32Array;
  /** The table now in `codes` (the kernel's), so a process switching encodings copies 256 KB only then. */
  #loaded: Int32Array | undefined;
  readonly #exports: Exports;

  constructor(exports: Exports) {
    this.#exports = exports;
    const buffer = exports.memory.buffer;
    this.input = new Uint8Array(buffer, exports.input_address(), kernelBlockBytes + kernelMaxKeywordSpan + 16);
    this.#codes = new Int32Array(buffer, exports.codes_address(), 65_536);
    this.asciiCodes = new Int32Array(buffer, exports.ascii_codes_address(), 128);
    this.filter = new Int32Array(buffer, exports.filter_address(), 2048);
    this.ring = new Int32Array(buffer, exports.ring_address(), kernelMaxShingle);
    this.runs = new Int32Array(buffer, exports.runs_address(), 2 * (kernelBlockBytes / 8 + 2));
    this.candidates = new Int32Array(buffer, exports.candidates_address(), kernelBlockBytes + 16);
    this.state = new Int32Array(buffer, exports.state_address(), slot.found + 1);
    this.foundValues = new Float64Array(buffer, exports.found_values_address(), kernelBlockBytes / 4);
    this.foundKinds = new Int32Array(buffer, exports.found_kinds_address(), kernelBlockBytes / 4);
    this.keywordHits = new Int32Array(buffer, exports.keyword_hits_address(), kernelBlockBytes);
  }

  /** Puts `table` (65,536 shingle codes: per pair, or per BMP code point for UTF-8) where the kernel reads it. */
  useCodes(table: Int32Array): void {
    if (this.#loaded === table) return;
    this.#codes.set(table);
    this.#loaded = table;
  }

  /** Shift_JIS / EUC-JP: characters starting in input[0, limit), `available` bytes copied; false to give up. */
  scanPairs(base: number, limit: number, available: number): boolean {
    return this.#exports.scan_pairs(base, limit, available) !== 0;
  }

  /** Validated UTF-8: characters starting in input[0, limit), their bytes all copied; false to give up. */
  scanUtf8(base: number, limit: number): boolean {
    return this.#exports.scan_utf8(base, limit) !== 0;
  }

  /**
   * Positions p in input[0, limit) where `first` is and `last` is `span` bytes on, with `fold` (0 or 0x20) or-ed into
   * the input's bytes (`first`, `last` come folded), into `keywordHits`; returns how many. Bytes up to
   * limit - 1 + span must be copied in; span ≤ kernelMaxKeywordSpan.
   */
  findKeyword(limit: number, first: number, last: number, span: number, fold: number): number {
    return this.#exports.find_keyword(limit, first, last, span, fold);
  }
}

let kernel: ScanKernel | undefined;

/** The process's kernel, compiled on first use (about 3 KB of WebAssembly). */
export function scanKernel(): ScanKernel {
  if (kernel) return kernel;
  const module = new WebAssembly.Module(Buffer.from(scanKernelBase64, 'base64'));
  kernel = new ScanKernel(new WebAssembly.Instance(module, {}).exports as unknown as Exports);
  return kernel;
}
