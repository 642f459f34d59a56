/*
 * The byte pass's scan loops (byte-text-pass.ts) in C, compiled to WebAssembly (build-wasm.ts): one block of at most
 * 64 KiB of Shift_JIS / EUC-JP or UTF-8 text per call, finding digit runs and rolling the registered-document
 * shingle hash over the same characters, exactly as the JavaScript loops they replace did. Plain JavaScript loops
 * here ran at 5–7 ns a byte (the 6.8 MB Shift_JIS list of 120,000 residents: about 40 ms); this is the part of a
 * CSV's inspection no JavaScript micro-tuning got further (see the README's bench:inspect row).
 *
 * What each character means (its shingle code, or that the pass must give up) is not decided here: JavaScript fills
 * `codes` from the same functions the string pass uses (byte-shingles.ts, fingerprint.ts), so there is one copy of
 * each rule. Runs are only found here; JavaScript classifies them (number-scanner.ts).
 *
 * No libc (-nostdlib): fixed arrays in linear memory, which JavaScript reads and writes through the addresses the
 * exported functions give. Unsigned arithmetic wraps as JavaScript's Math.imul / `| 0` do.
 */
#include <stdint.h>

#define BLOCK 65536
/** Shingle code meaning: leave this text to the decoding path (byte-shingles.ts giveUp). */
#define GIVE_UP (-2)
#define SHINGLE_BASE 0x01000193u
#define MAX_SHINGLE 64
/* Exported under its own name; everything else stays internal. */
#define EXPORT(name) __attribute__((export_name(#name)))

enum {
  S_HASH, S_FILLED, S_AT, S_IN_RUN, S_RUN_START, S_SEPARATOR, S_SIZE, S_POWER, S_ROLLING,
  S_END, S_CHARS, S_RUNS, S_CANDIDATES, S_COUNT
};

/* A block plus the bytes a character starting in it may read past its end (a pair's trail, UTF-8's two). */
static uint8_t input[BLOCK + 16];
/* Shingle code per pair (lead << 8 | trail, Shift_JIS / EUC-JP) or per BMP code point (UTF-8), as JavaScript fills it. */
static int32_t codes[65536];
static int32_t ascii_codes[128];
static int32_t filter[2048];
static int32_t ring[MAX_SHINGLE];
/* A recorded run needs seven digits and the byte ending it: at most one per 8 bytes of a block, plus one carried in. */
static int32_t runs[2 * (BLOCK / 8 + 2)];
/* At most one candidate per character. */
static int32_t candidates[BLOCK + 16];
static int32_t state[S_COUNT];

EXPORT(input_address) uint8_t *input_address(void) { return input; }
EXPORT(codes_address) int32_t *codes_address(void) { return codes; }
EXPORT(ascii_codes_address) int32_t *ascii_codes_address(void) { return ascii_codes; }
EXPORT(filter_address) int32_t *filter_address(void) { return filter; }
EXPORT(ring_address) int32_t *ring_address(void) { return ring; }
EXPORT(runs_address) int32_t *runs_address(void) { return runs; }
EXPORT(candidates_address) int32_t *candidates_address(void) { return candidates; }
EXPORT(state_address) int32_t *state_address(void) { return state; }

#define END_RUN(at)                                                   \
  do {                                                                \
    int32_t end_ = (at) - (separator != 0);                           \
    if (end_ - run_start >= 7) {                                      \
      runs[run_ints] = run_start;                                     \
      runs[run_ints + 1] = end_;                                      \
      run_ints += 2;                                                  \
    }                                                                 \
    in_run = 0;                                                       \
    separator = 0;                                                    \
  } while (0)

#define ROLL(code)                                                    \
  do {                                                                \
    if (filled == size) hash -= (uint32_t)ring[at] * power;          \
    else filled += 1;                                                 \
    hash = hash * SHINGLE_BASE + (uint32_t)(code);                    \
    ring[at] = (code);                                                \
    at += 1;                                                          \
    if (at == size) at = 0;                                           \
    if (filled == size) {                                             \
      uint32_t bit_ = (hash >> 8) & 0xffff;                           \
      if (filter[bit_ >> 5] & (1u << (bit_ & 31))) candidates[cands++] = (int32_t)hash; \
    }                                                                 \
  } while (0)

/*
 * One ASCII stretch from `i` (input[i] < 0x80): digit runs exactly as TextPass finds them (positions are absolute
 * byte offsets, `base` + i), shingles of the characters that have a code. Returns where the stretch ends.
 */
#define ASCII_STRETCH()                                               \
  do {                                                                \
    int32_t from_ = i;                                                \
    for (;;) {                                                        \
      if (b - 48u < 10u) {                                            \
        if (!in_run) {                                                \
          in_run = 1;                                                 \
          run_start = base + i;                                       \
        }                                                             \
        separator = 0;                                                \
      } else if (in_run) {                                            \
        if (separator == 0 && (b == 32 || b == 45)) separator = (int32_t)b; \
        else END_RUN(base + i);                                       \
      }                                                               \
      int32_t code_ = ascii_codes[b];                                 \
      if (rolling && code_ >= 0) ROLL(code_);                         \
      i += 1;                                                         \
      if (i >= limit) break;                                          \
      b = input[i];                                                   \
      if (b >= 0x80) break;                                           \
    }                                                                 \
    chars += i - from_;                                               \
  } while (0)

#define LOAD_STATE()                                                  \
  uint32_t hash = (uint32_t)state[S_HASH];                            \
  int32_t filled = state[S_FILLED], at = state[S_AT];                 \
  int32_t in_run = state[S_IN_RUN], run_start = state[S_RUN_START];   \
  int32_t separator = state[S_SEPARATOR];                             \
  const int32_t size = state[S_SIZE], rolling = state[S_ROLLING];     \
  const uint32_t power = (uint32_t)state[S_POWER];                    \
  int32_t chars = 0, run_ints = 0, cands = 0, i = 0, ok = 1

#define SAVE_STATE()                                                  \
  state[S_HASH] = (int32_t)hash;                                      \
  state[S_FILLED] = filled;                                           \
  state[S_AT] = at;                                                   \
  state[S_IN_RUN] = in_run;                                           \
  state[S_RUN_START] = run_start;                                     \
  state[S_SEPARATOR] = separator;                                     \
  state[S_END] = i;                                                   \
  state[S_CHARS] = chars;                                             \
  state[S_RUNS] = run_ints;                                           \
  state[S_CANDIDATES] = cands

/*
 * Shift_JIS or EUC-JP: reads characters starting before `limit` from input[0] (byte offset `base` of the text);
 * `available` bytes are in `input` (a pair starting at the last one gives up). 1 if it read them all, 0 to give up.
 */
EXPORT(scan_pairs) int32_t scan_pairs(int32_t base, int32_t limit, int32_t available) {
  LOAD_STATE();
  while (i < limit) {
    uint32_t b = input[i];
    if (b < 0x80) {
      ASCII_STRETCH();
    } else {
      /* A character of two bytes is neither a digit nor a separator: it ends an open run. */
      if (in_run) END_RUN(base + i);
      for (;;) {
        if (i + 1 >= available) { ok = 0; goto out; }
        int32_t code = codes[(b << 8) | input[i + 1]];
        if (code == GIVE_UP) { ok = 0; goto out; }
        chars += 1;
        if (rolling && code >= 0) ROLL(code);
        i += 2;
        if (i >= limit) break;
        b = input[i];
        if (b < 0x80) break;
      }
    }
  }
out:
  SAVE_STATE();
  return ok;
}

/*
 * UTF-8 that Node has validated (isUtf8): a character is 1–3 bytes by its lead byte; four (outside the BMP) gives
 * up, as does a code point whose code is GIVE_UP (a form the string path folds). The bytes of a character starting
 * before `limit` are all in `input`.
 */
EXPORT(scan_utf8) int32_t scan_utf8(int32_t base, int32_t limit) {
  LOAD_STATE();
  while (i < limit) {
    uint32_t b = input[i];
    if (b < 0x80) {
      ASCII_STRETCH();
    } else {
      if (in_run) END_RUN(base + i);
      for (;;) {
        int32_t code;
        if (b < 0xe0) {
          code = codes[((b & 0x1f) << 6) | (input[i + 1] & 0x3f)];
          i += 2;
        } else if (b < 0xf0) {
          code = codes[((b & 0x0f) << 12) | ((input[i + 1] & 0x3f) << 6) | (input[i + 2] & 0x3f)];
          i += 3;
        } else {
          ok = 0;
          goto out;
        }
        if (code == GIVE_UP) { ok = 0; goto out; }
        chars += 1;
        if (rolling && code >= 0) ROLL(code);
        if (i >= limit) break;
        b = input[i];
        if (b < 0x80) break;
      }
    }
  }
out:
  SAVE_STATE();
  return ok;
}
