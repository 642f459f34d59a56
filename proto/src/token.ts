/**
 * The enrollment token: one opaque string an admin pastes. It holds the collector's address, the SHA-256
 * fingerprint of the collector's CA certificate (which the agent pins) and a secret the collector checks
 * (expiry, use count, revocation).
 */
export interface EnrollmentToken {
  address: string;
  caFingerprint: string;
  secret: string;
}

const prefix = 'mamori1_';

export function encodeEnrollmentToken(token: EnrollmentToken): string {
  const json = JSON.stringify({ a: token.address, f: token.caFingerprint, s: token.secret });
  return prefix + Buffer.from(json, 'utf8').toString('base64url');
}

export class MalformedTokenError extends Error {
  constructor(reason: string) {
    super(`malformed enrollment token: ${reason}`);
    this.name = 'MalformedTokenError';
  }
}

export function decodeEnrollmentToken(text: string): EnrollmentToken {
  const trimmed = text.trim();
  if (!trimmed.startsWith(prefix)) throw new MalformedTokenError(`it must start with "${prefix}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(trimmed.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    throw new MalformedTokenError('it is not valid base64url JSON (was it cut short when pasted?)');
  }
  const { a, f, s } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof a !== 'string' || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(a)) throw new MalformedTokenError('bad collector address');
  if (typeof f !== 'string' || !/^[0-9a-f]{64}$/.test(f)) throw new MalformedTokenError('bad CA fingerprint');
  if (typeof s !== 'string' || s.length < 16) throw new MalformedTokenError('bad secret');
  return { address: a, caFingerprint: f, secret: s };
}
