import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Offline unlock codes: a short code an admin reads out over the phone to a user whose PC cannot reach the
 * collector. It is authenticated with the agent's own `unlock_key` (EnrollResponse.unlock_key, an HMAC key shared
 * by that agent and the collector only), so a code made for one PC is worthless on another.
 *
 * Layout (80 bits = 16 Crockford base32 characters, shown as XXXX-XXXX-XXXX-XXXX):
 *   version (2) ‖ serial-bound flag (1) ‖ expiry in minutes since 2024-01-01 UTC (24) ‖ nonce (18) ‖ MAC (35)
 * The MAC is HMAC-SHA-256 over a domain tag, the PC name, the serial (empty when any device is allowed) and the
 * first 45 bits, truncated to 35 bits. The PC name and serial are bound by the MAC but not carried (to keep the
 * code short): the agent verifies against its own PC name and the serials it has seen recently, which is where a
 * code for "this stick" comes from anyway. Single use: the agent remembers used nonces until their expiry.
 * 35 bits of MAC are enough because guesses can only be tried on the PC itself, which rate-limits them.
 */

export interface UnlockClaims {
  /** The PC the code was made for. */
  pc: string;
  /** Only this stick; absent = any removable device. */
  serial?: string;
  /** Expiry (Unix ms, whole minutes, rounded down so a code never lasts longer than asked). */
  untilMs: number;
  /** Random number that makes the code single-use (0 … 2^18-1). */
  nonce: number;
}

export type UnlockCodeErrorReason = 'malformed' | 'bad_mac' | 'expired';

export class UnlockCodeError extends Error {
  readonly reason: UnlockCodeErrorReason;
  constructor(reason: UnlockCodeErrorReason, message: string) {
    super(message);
    this.name = 'UnlockCodeError';
    this.reason = reason;
  }
}

/** What the verifying agent knows about itself. */
export interface UnlockContext {
  /** This PC's name as enrolled. */
  pc: string;
  /** Serials of devices seen recently on this PC; a serial-bound code is checked against each. */
  serials?: readonly string[];
}

const VERSION = 1n;
const EPOCH_MS = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;
const MAX_MINUTES = (1 << 24) - 1;
export const UNLOCK_NONCE_LIMIT = 1 << 18;
const MAC_BITS = 35n;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DOMAIN = 'mamori.v1.unlock\0';

/** A fresh random nonce for createUnlockCode. */
export function randomUnlockNonce(): number {
  return randomInt(UNLOCK_NONCE_LIMIT);
}

/** Makes the code for `claims`, e.g. "7K3M-0QX2-H9TA-4BCE". */
export function createUnlockCode(key: Uint8Array, claims: UnlockClaims): string {
  if (key.length < 16) throw new RangeError('unlock key must be at least 16 bytes');
  if (!Number.isInteger(claims.nonce) || claims.nonce < 0 || claims.nonce >= UNLOCK_NONCE_LIMIT) {
    throw new RangeError(`nonce must be an integer in [0, ${UNLOCK_NONCE_LIMIT})`);
  }
  if (claims.serial !== undefined && claims.serial.length === 0) throw new RangeError('serial must not be empty');
  const minutes = Math.floor((claims.untilMs - EPOCH_MS) / MINUTE_MS);
  if (minutes < 0 || minutes > MAX_MINUTES) throw new RangeError('expiry out of range (2024 … 2055)');
  const head = (VERSION << 43n) | ((claims.serial !== undefined ? 1n : 0n) << 42n) | (BigInt(minutes) << 18n)
    | BigInt(claims.nonce);
  const value = (head << MAC_BITS) | mac(key, claims.pc, claims.serial ?? '', head);
  return format(value);
}

/**
 * Checks a code typed by a human (case, spaces, dashes and the look-alikes O/I/L are forgiven). Returns the claims
 * or throws UnlockCodeError: malformed, bad_mac (wrong PC, wrong stick or typo), expired. Does NOT check reuse:
 * the caller must refuse a nonce it has already used.
 */
export function verifyUnlockCode(key: Uint8Array, code: string, nowMs: number, context: UnlockContext): UnlockClaims {
  const value = parse(code);
  const head = value >> MAC_BITS;
  const given = value & ((1n << MAC_BITS) - 1n);
  if (head >> 43n !== VERSION) throw new UnlockCodeError('malformed', 'unknown unlock code version');
  const serialBound = ((head >> 42n) & 1n) === 1n;
  const minutes = Number((head >> 18n) & BigInt(MAX_MINUTES));
  const nonce = Number(head & BigInt(UNLOCK_NONCE_LIMIT - 1));
  const untilMs = EPOCH_MS + minutes * MINUTE_MS;
  const candidates = serialBound ? [...new Set(context.serials ?? [])].filter((s) => s.length > 0) : [''];
  const serial = candidates.find((s) => macEquals(mac(key, context.pc, s, head), given));
  if (serial === undefined) {
    throw new UnlockCodeError('bad_mac', serialBound
      ? 'the code does not match this PC and any stick seen on it (plug the stick in, or check the code)'
      : 'the code does not match this PC (check the code)');
  }
  if (nowMs >= untilMs) throw new UnlockCodeError('expired', `the code expired at ${new Date(untilMs).toISOString()}`);
  return { pc: context.pc, ...(serialBound ? { serial } : {}), untilMs, nonce };
}

/** Parses "2h", "90m", "1d", "30s" (what `unlock-code --for` accepts) into milliseconds. */
export function parseUnlockDuration(text: string): number {
  const match = /^\s*(\d+)\s*([smhd])\s*$/i.exec(text);
  if (!match) throw new RangeError(`bad duration "${text}": use e.g. 30m, 2h or 1d`);
  const unit = { s: 1_000, m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS }[match[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0 || ms > 30 * 24 * 60 * MINUTE_MS) throw new RangeError('duration must be between 1 second and 30 days');
  return ms;
}

function mac(key: Uint8Array, pc: string, serial: string, head: bigint): bigint {
  const digest = createHmac('sha256', key)
    .update(DOMAIN).update(pc).update('\0').update(serial).update('\0').update(head.toString(16))
    .digest();
  return digest.readBigUInt64BE(0) >> (64n - MAC_BITS);
}

function macEquals(a: bigint, b: bigint): boolean {
  const left = Buffer.alloc(8);
  const right = Buffer.alloc(8);
  left.writeBigUInt64BE(a);
  right.writeBigUInt64BE(b);
  return timingSafeEqual(left, right);
}

function format(value: bigint): string {
  let text = '';
  for (let i = 15; i >= 0; i -= 1) text += ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
  return text.match(/.{4}/g)!.join('-');
}

function parse(code: string): bigint {
  const clean = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (clean.length !== 16) throw new UnlockCodeError('malformed', 'an unlock code has 16 characters');
  let value = 0n;
  for (const char of clean) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new UnlockCodeError('malformed', `"${char}" is not a valid unlock code character`);
    value = (value << 5n) | BigInt(digit);
  }
  return value;
}
