import { sign, verify, createPublicKey } from 'node:crypto';
import { chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceKeyFile, loadOrCreateEvidenceKey } from './evidence-key.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-evidence-key-'));
  dirs.push(dir);
  return dir;
}

describe('the collector evidence key', () => {
  it('is made once for a data dir that has none (one made before the key existed), then read back unchanged', () => {
    const dir = dataDir();
    const made = loadOrCreateEvidenceKey(dir);
    expect(made.publicKey).toHaveLength(32);
    expect(statSync(join(dir, evidenceKeyFile)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateEvidenceKey(dir);
    expect(again.publicKey.equals(made.publicKey)).toBe(true);
    expect(again.fingerprint).toBe(made.fingerprint);
    expect(readdirSync(dir)).toEqual([evidenceKeyFile]);
    // the private key signs what the public key verifies
    const signature = sign(null, Buffer.from('manifest'), again.privateKey);
    expect(verify(null, Buffer.from('manifest'), createPublicKey(made.privateKey), signature)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)("made by root in a service account's data dir, belongs to that account", () => {
    const dir = dataDir();
    chownSync(dir, 4321, 4321);
    loadOrCreateEvidenceKey(dir);
    const stat = statSync(join(dir, evidenceKeyFile));
    expect([stat.uid, stat.gid]).toEqual([4321, 4321]);
  });
});
