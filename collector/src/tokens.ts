import { randomBytes } from 'node:crypto';
import { encodeEnrollmentToken } from '@mamori/proto';
import { hashTokenSecret } from './ingest/enroll.ts';
import type { Store } from './store/store.ts';

/** Creates an enrollment token and returns the one string an admin pastes on PCs. */
export async function createEnrollmentToken(
  store: Store, options: { address: string; caFingerprint: string; ttlMs: number; uses: number; actor: string; now: number },
): Promise<{ id: string; token: string; expiresMs: number }> {
  const secret = randomBytes(24).toString('base64url');
  const id = `tok_${randomBytes(6).toString('hex')}`;
  const expiresMs = options.now + options.ttlMs;
  await store.createToken({ id, secretHash: hashTokenSecret(secret), createdMs: options.now, expiresMs, maxUses: options.uses, createdBy: options.actor });
  await store.appendAudit({ timeMs: options.now, actor: options.actor, action: 'token.create', entry: { id, expiresMs, uses: options.uses } });
  return { id, token: encodeEnrollmentToken({ address: options.address, caFingerprint: options.caFingerprint, secret }), expiresMs };
}

/** Parses "24h", "30m", "7d", "90s" into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 30m, 24h or 7d`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
