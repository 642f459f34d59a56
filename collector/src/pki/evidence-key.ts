import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chownSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '@mamori/proto';

/**
 * The collector's Ed25519 evidence-signing key: it signs export manifests (and segment anchors), so an auditor who
 * pinned its public key can tell a whole export from a cut one. Kept beside the CA key in the data dir, never in
 * the database, so a database copy alone cannot forge a manifest.
 */
export interface EvidenceSigningKey {
  privateKey: KeyObject;
  /** Raw 32-byte public key. */
  publicKey: Buffer;
  /** SHA-256 of the raw public key, hex pairs joined by colons. */
  fingerprint: string;
}

export const evidenceKeyFile = 'evidence-signing.key';

function fromPem(pem: string): EvidenceSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${evidenceKeyFile} is not an Ed25519 key`);
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
  return { privateKey, publicKey, fingerprint: keyFingerprint(publicKey) };
}

/**
 * Reads the data dir's evidence key, creating it first if the dir predates it. The key is written whole to a
 * temporary file and then hard-linked into place (link fails if the name exists), so two processes starting at
 * once (the server and an `export` from the CLI) end up with the same key and neither reads a half-written one.
 */
export function loadOrCreateEvidenceKey(dataDir: string): EvidenceSigningKey {
  const path = join(dataDir, evidenceKeyFile);
  try {
    return fromPem(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600 });
  // Made lazily by root (e.g. `sudo mamori-collector export` on an upgraded install), the key must still be readable
  // by the service account that owns the data dir, as the files made at init are.
  if (process.getuid?.() === 0) {
    const owner = statSync(dataDir);
    chownSync(temporary, owner.uid, owner.gid);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return fromPem(readFileSync(path, 'utf8'));
}
