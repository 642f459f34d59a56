import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CollectorError } from '../errors.ts';
import type { EvidenceSigningKey } from '../pki/evidence-key.ts';

/** Marks a value sealed by this module; the version names the derivation and cipher below. */
const prefix = 'mamori-secret-v1:';

/**
 * Seals the secrets among the console's settings (today the alert SMTP password) before they are stored, so the
 * database — a PostgreSQL shared by several collectors, its backups, anyone granted read access to it for reports —
 * does not hold them readable. The key is derived (HKDF-SHA256, its own `info`) from the evidence-signing key in the
 * data dir: that file never enters the database, and every collector of a deployment already holds the same one (the
 * deployment check refuses a collector with another), so each can open what any other sealed without one more file
 * to copy. AES-256-GCM: a value edited in the database, or sealed under another key, fails to open; it is never used.
 */
export class SettingsSecrets {
  readonly #key: Buffer;

  constructor(evidenceKey: Pick<EvidenceSigningKey, 'privateKey'>) {
    const seed = Buffer.from(evidenceKey.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
    if (seed.length !== 32) throw new Error('the evidence-signing key has no Ed25519 private part');
    this.#key = Buffer.from(hkdfSync('sha256', seed, Buffer.from('mamori'), Buffer.from('collector settings secrets v1'), 32));
  }

  static isSealed(value: string): boolean {
    return value.startsWith(prefix);
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64');
  }

  /** The secret; COLLECTOR_SETTINGS_SECRET_UNREADABLE when it was sealed under another key or altered. */
  open(value: string, what: string): string {
    if (!SettingsSecrets.isSealed(value)) throw new CollectorError('COLLECTOR_SETTINGS_SECRET_UNREADABLE', `${what}: not a sealed value`);
    const bytes = Buffer.from(value.slice(prefix.length), 'base64');
    if (bytes.length < 12 + 16) throw new CollectorError('COLLECTOR_SETTINGS_SECRET_UNREADABLE', `${what}: too short`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new CollectorError('COLLECTOR_SETTINGS_SECRET_UNREADABLE',
        `${what}: sealed under another evidence-signing.key or altered in the database; enter it again on the console's settings page`);
    }
  }
}
