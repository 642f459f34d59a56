import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  UnlockCodeError, createUnlockCode, parseUnlockDuration, randomUnlockNonce, verifyUnlockCode,
} from './unlock-code.ts';

const key = randomBytes(32);
const now = Date.UTC(2026, 4, 12, 9, 30);
const twoHours = 2 * 3_600_000;

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof UnlockCodeError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('offline unlock codes', () => {
  it('round-trips PC, expiry and nonce in a 16-character code readable over the phone', () => {
    const code = createUnlockCode(key, { pc: 'PC-ACCT-07', untilMs: now + twoHours, nonce: 123_456 });
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(verifyUnlockCode(key, code, now, { pc: 'PC-ACCT-07' })).toEqual({ pc: 'PC-ACCT-07', untilMs: now + twoHours, nonce: 123_456 });
  });

  it('forgives case, spaces and look-alike letters', () => {
    const code = createUnlockCode(key, { pc: 'PC-1', untilMs: now + twoHours, nonce: 7 });
    const spoken = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(verifyUnlockCode(key, spoken, now, { pc: 'PC-1' }).nonce).toBe(7);
  });

  it('binds a serial: accepted only when that stick has been seen on the PC', () => {
    const code = createUnlockCode(key, { pc: 'PC-1', serial: 'AA11BB22', untilMs: now + twoHours, nonce: 1 });
    expect(verifyUnlockCode(key, code, now, { pc: 'PC-1', serials: ['OTHER', 'AA11BB22'] }).serial).toBe('AA11BB22');
    expect(reason(() => verifyUnlockCode(key, code, now, { pc: 'PC-1', serials: ['OTHER'] }))).toBe('bad_mac');
    expect(reason(() => verifyUnlockCode(key, code, now, { pc: 'PC-1' }))).toBe('bad_mac');
  });

  it('refuses another PC, another key, a typo and an expired code', () => {
    const code = createUnlockCode(key, { pc: 'PC-1', untilMs: now + twoHours, nonce: 99 });
    expect(reason(() => verifyUnlockCode(key, code, now, { pc: 'PC-2' }))).toBe('bad_mac');
    expect(reason(() => verifyUnlockCode(randomBytes(32), code, now, { pc: 'PC-1' }))).toBe('bad_mac');
    const last = code.at(-1) === 'Z' ? 'Y' : 'Z';
    expect(reason(() => verifyUnlockCode(key, code.slice(0, -1) + last, now, { pc: 'PC-1' }))).toBe('bad_mac');
    expect(reason(() => verifyUnlockCode(key, code, now + twoHours, { pc: 'PC-1' }))).toBe('expired');
    expect(reason(() => verifyUnlockCode(key, code, now + twoHours - 1, { pc: 'PC-1' }))).toBe('accepted');
  });

  it('reports malformed input clearly', () => {
    expect(reason(() => verifyUnlockCode(key, 'hello', now, { pc: 'PC-1' }))).toBe('malformed');
    expect(reason(() => verifyUnlockCode(key, 'UUUU-UUUU-UUUU-UUUU', now, { pc: 'PC-1' }))).toBe('malformed');
    expect(reason(() => verifyUnlockCode(key, '0000-0000-0000-0000', now, { pc: 'PC-1' }))).toBe('malformed');
  });

  it('never extends the expiry asked for and rejects out-of-range input', () => {
    const claims = verifyUnlockCode(key, createUnlockCode(key, { pc: 'P', untilMs: now + 59_999, nonce: 0 }), now - 1, { pc: 'P' });
    expect(claims.untilMs).toBe(now);
    expect(() => createUnlockCode(key, { pc: 'P', untilMs: now, nonce: -1 })).toThrow(RangeError);
    expect(() => createUnlockCode(key, { pc: 'P', untilMs: now, nonce: 1 << 18 })).toThrow(RangeError);
    expect(() => createUnlockCode(Buffer.alloc(4), { pc: 'P', untilMs: now, nonce: 1 })).toThrow(RangeError);
    const nonce = randomUnlockNonce();
    expect(nonce).toBeGreaterThanOrEqual(0);
    expect(nonce).toBeLessThan(1 << 18);
  });

  it('parses the durations the CLI accepts', () => {
    expect(parseUnlockDuration('2h')).toBe(twoHours);
    expect(parseUnlockDuration('90m')).toBe(90 * 60_000);
    expect(parseUnlockDuration('1d')).toBe(86_400_000);
    expect(() => parseUnlockDuration('2 weeks')).toThrow(/bad duration/);
    expect(() => parseUnlockDuration('0m')).toThrow(RangeError);
  });
});
