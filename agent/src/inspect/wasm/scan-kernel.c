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
#include <wasm_simd128.h>

#define BLOCK 65536
/** Shingle code meaning: leave this text to the decoding path (byte-shingles.ts giveUp). */
#define GIVE_UP (-2)
#define SHINGLE_BASE 0x01000193u
#define MAX_SHINGLE 64
/* Exported under its own name; everything else stays internal. */
#define EXPORT(name) __attribute__((export_name(#name)))

enum {
  S_HASH, S_FILLED, S_AT, S_IN_RUN, S_RUN_START, S_SEPARATOR, S_SIZE, S_POWER, S_ROLLING,
  S_END, S_CHARS, S_RUNS, S_CANDIDATES, S_DETECTORS, S_FOUND, S_COUNT
};

/* Detectors whose numbers the kernel reports itself (S_DETECTORS bits; found_kinds holds the bit). */
#define MY_NUMBER 1
#define PHONE 2
#define POSTAL 4
/* Bank accounts are looked for: a run that could be one goes to JavaScript whole (it needs the words before it). */
#define ACCOUNT 8

/* The longest keyword find_keyword looks for, less one byte (byte-keywords.ts searches longer ones natively). */
#define MAX_KEYWORD_SPAN 64
/*
 * A block plus the bytes a character starting in it may read past its end (a pair's trail, UTF-8's two), or a
 * keyword starting in it (MAX_KEYWORD_SPAN), and the 16 find_keyword's last vector load reads past that.
 */
static uint8_t input[BLOCK + MAX_KEYWORD_SPAN + 16];
/* Where find_keyword found a keyword's first and last byte: at most one per position of a block. */
static int32_t keyword_hits[BLOCK];
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
/* Numbers found in the block's runs: a run of at most 12 digits gives at most two (see classify). */
static double found_values[BLOCK / 4];
static int32_t found_kinds[BLOCK / 4];
/* One run's digits and groups (a run the kernel classifies has at most 12 digits, 1024 characters). */
static uint8_t run_digits[16];
static int32_t group_lengths[1024];
static int32_t group_separators[1024];

EXPORT(input_address) uint8_t *input_address(void) { return input; }
EXPORT(codes_address) int32_t *codes_address(void) { return codes; }
EXPORT(ascii_codes_address) int32_t *ascii_codes_address(void) { return ascii_codes; }
EXPORT(filter_address) int32_t *filter_address(void) { return filter; }
EXPORT(ring_address) int32_t *ring_address(void) { return ring; }
EXPORT(runs_address) int32_t *runs_address(void) { return runs; }
EXPORT(candidates_address) int32_t *candidates_address(void) { return candidates; }
EXPORT(state_address) int32_t *state_address(void) { return state; }
EXPORT(found_values_address) double *found_values_address(void) { return found_values; }
EXPORT(found_kinds_address) int32_t *found_kinds_address(void) { return found_kinds; }
EXPORT(keyword_hits_address) int32_t *keyword_hits_address(void) { return keyword_hits; }

/*
 * Keyword search (byte-keywords.ts), the cheap half: positions p in [0, limit) whose byte is `first` and whose byte
 * `span` further on is `last`, both with `fold` (0, or 0x20 to match ASCII letters of either case) or-ed in, into
 * keyword_hits in order; returns how many. Sixteen positions per step. A superset of the matches: JavaScript checks
 * each hit's bytes and that it starts a character. Bytes up to limit - 1 + span must be in `input`.
 */
EXPORT(find_keyword) int32_t find_keyword(int32_t limit, int32_t first, int32_t last, int32_t span, int32_t fold) {
  const v128_t firsts = wasm_i8x16_splat((int8_t)first), lasts = wasm_i8x16_splat((int8_t)last);
  const v128_t folds = wasm_i8x16_splat((int8_t)fold);
  int32_t hits = 0, p = 0;
  for (; p + 16 <= limit; p += 16) {
    v128_t a = wasm_v128_or(wasm_v128_load(input + p), folds);
    v128_t b = wasm_v128_or(wasm_v128_load(input + p + span), folds);
    v128_t both = wasm_v128_and(wasm_i8x16_eq(a, firsts), wasm_i8x16_eq(b, lasts));
    if (!wasm_v128_any_true(both)) continue;
    uint32_t bits = wasm_i8x16_bitmask(both);
    while (bits) {
      keyword_hits[hits++] = p + __builtin_ctz(bits);
      bits &= bits - 1;
    }
  }
  for (; p < limit; p += 1) {
    if ((uint32_t)(input[p] | fold) == (uint32_t)(first & 0xff) && (uint32_t)(input[p + span] | fold) == (uint32_t)(last & 0xff)) keyword_hits[hits++] = p;
  }
  return hits;
}

static double value_of(int32_t at, int32_t count) {
  double value = 0;
  for (int32_t i = 0; i < count; i += 1) value = value * 10 + run_digits[at + i];
  return value;
}

/* My Number check digit over run_digits[at .. at+12) (check-digits.ts isValidMyNumberDigits). */
static int valid_my_number(int32_t at) {
  int32_t sum = 0;
  for (int32_t n = 1; n <= 11; n += 1) sum += run_digits[at + 11 - n] * (n <= 6 ? n + 1 : n - 5);
  int32_t remainder = sum % 11;
  return run_digits[at + 11] == (remainder <= 1 ? 0 : 11 - remainder);
}

/*
 * number-scanner.ts classifyGroups + classifySuffix for the runs that can only hold My Numbers, phone numbers and
 * postal codes: at most 12 digits (no card number), and no suffix that could be a bank account when accounts are
 * looked for. Reports into found_*; returns 0, reporting nothing, for a run JavaScript must classify
 * (classifyRunBytes). `start`, `end` are input offsets; the byte before the run is input[start - 1].
 */
static int32_t classify(int32_t start, int32_t end, int32_t *found) {
  if (end - start > 1024) return 0;
  const int32_t detectors = state[S_DETECTORS];
  int32_t digit_count = 0, group_count = 0, group = 0, hyphens = 0;
  for (int32_t i = start; i < end; i += 1) {
    uint32_t c = input[i];
    if (c - 48u < 10u) {
      if (digit_count == 12) return 0;
      run_digits[digit_count++] = (uint8_t)(c - 48);
      group += 1;
    } else {
      group_lengths[group_count] = group;
      group_separators[group_count] = (int32_t)c;
      if (c == 45) hyphens += 1;
      group_count += 1;
      group = 0;
    }
  }
  group_lengths[group_count] = group;
  group_separators[group_count] = 0;
  group_count += 1;
  uint32_t before = input[start - 1];
  int32_t reported = *found;
  int32_t at = 0;
  for (int32_t k = 0; k < group_count; k += 1) {
    int32_t count = digit_count - at;
    if (count < 7) break;
    if (k > 0 || !(before == 45 || before - 48u < 10u)) {
      int32_t groups = group_count - k;
      int32_t g0 = group_lengths[k], g1 = groups > 1 ? group_lengths[k + 1] : 0, g2 = groups > 2 ? group_lengths[k + 2] : 0;
      if ((detectors & ACCOUNT) && groups == 1 && count == 7) {
        *found = reported;
        return 0;
      }
      if ((detectors & MY_NUMBER) && count == 12 && (groups == 1 || (groups == 3 && g0 == 4 && g1 == 4)) && valid_my_number(at)) {
        found_values[*found] = value_of(at, 12);
        found_kinds[(*found)++] = MY_NUMBER;
      }
      if ((detectors & PHONE) && groups == 3 && hyphens == 2 && run_digits[at] == 0 && (count == 10 || count == 11)
          && g0 >= 2 && g0 <= 5 && g1 >= 1 && g1 <= 4 && g2 >= 3 && g2 <= 4) {
        found_values[*found] = value_of(at, count);
        found_kinds[(*found)++] = PHONE;
      }
      if ((detectors & POSTAL) && groups == 2 && hyphens == 1 && g0 == 3 && g1 == 4) {
        found_values[*found] = value_of(at, 7);
        found_kinds[(*found)++] = POSTAL;
      }
    }
    int32_t length = group_lengths[k];
    if (k + 1 >= group_count || length > 3 || group_separators[k] != 32) break;
    at += length;
  }
  return 1;
}

#define END_RUN(at)                                                   \
  do {                                                                \
    int32_t end_ = (at) - (separator != 0);                           \
    if (end_ - run_start >= 7                                         \
        && !(run_start > base && classify(run_start - base, end_ - base, &found))) { \
      runs[run_ints] = run_start;                                     \
      runs[run_ints + 1] = end_;                                      \
      run_ints += 2;                                                  \
    }                                                                 \
    in_run = 0;                                                       \
    separator = 0;                                                    \
  } while (0)

#define ROLL(code)                                                    \
  do {                                                                \
    /* (hash - out * power) * BASE + code, with power * BASE made once: one multiply on the hash's chain. */ \
    if (filled == size) hash = hash * SHINGLE_BASE + ((uint32_t)(code) - (uint32_t)ring[at] * power_base); \
    else {                                                            \
      filled += 1;                                                    \
      hash = hash * SHINGLE_BASE + (uint32_t)(code);                  \
    }                                                                 \
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
  const uint32_t power_base = (uint32_t)state[S_POWER] * SHINGLE_BASE; \
  int32_t chars = 0, run_ints = 0, cands = 0, found = 0, i = 0, ok = 1

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
  state[S_CANDIDATES] = cands;                                        \
  state[S_FOUND] = found

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
