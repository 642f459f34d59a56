import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actAsDataDirOwner, requireInitialised, type ProcessIdentity } from './data-dir-access.ts';

function recordingIdentity(uid: number): ProcessIdentity & { calls: string[] } {
  const calls: string[] = [];
  return { calls, getuid: () => uid, setgid: (id) => calls.push(`setgid ${id}`), setuid: (id) => calls.push(`setuid ${id}`) };
}

describe('the CLI and the installed data dir', () => {
  it('as root, takes the owner of the package\'s data dir (group, then user); never for another dir, a root-owned one, or a non-root caller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-owner-'));
    const isRoot = process.getuid?.() === 0;
    // As root the folder is handed to another user (as the package's is to mamori-collector); otherwise it is ours.
    const owner = isRoot ? { uid: 65534, gid: 65534 } : { uid: process.getuid!(), gid: process.getgid!() };
    if (isRoot) chownSync(dir, owner.uid, owner.gid);
    const root = recordingIdentity(0);
    expect(actAsDataDirOwner(dir, dir, root)).toBe(owner.uid);
    expect(root.calls).toEqual([`setgid ${owner.gid}`, `setuid ${owner.uid}`]);
    const notPackaged = recordingIdentity(0);
    expect(actAsDataDirOwner(dir, join(dir, 'packaged'), notPackaged)).toBeUndefined();
    const user = recordingIdentity(1000);
    expect(actAsDataDirOwner(dir, dir, user)).toBeUndefined();
    expect([...notPackaged.calls, ...user.calls]).toEqual([]);
    if (isRoot) {
      chownSync(dir, 0, 0);
      const rootOwned = recordingIdentity(0);
      expect(actAsDataDirOwner(dir, dir, rootOwned)).toBeUndefined();
      expect(rootOwned.calls).toEqual([]);
    }
  });

  it('says "not initialised, run init" only for a folder the package does not own, and names the owner when it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-init-'));
    const missing = join(dir, 'nothing');
    expect(() => requireInitialised(missing, undefined)).toThrow(/not initialised: run `mamori-collector init`/);
    expect(() => requireInitialised(missing, missing)).toThrow(/the package does it on install \(dpkg-reconfigure mamori-collector\), not `init`/);
    if (process.getuid?.() !== 0) {
      // root reads any folder: the unreadable case is covered by data-dir-owner.integration.test.ts as another user.
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      writeFileSync(join(locked, 'collector.yaml'), '');
      chmodSync(locked, 0o000);
      expect(() => requireInitialised(locked, locked)).toThrow(/cannot read the data dir: run this as root or as its owner: .*locked \(e\.g\. runuser -u \S+ -- mamori-collector …\)/);
      chmodSync(locked, 0o700);
    }
  });

  it('a SQLite data dir whose database file is gone is not initialised; one whose config names PostgreSQL needs no local file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-init-'));
    writeFileSync(join(dir, 'ca.crt'), 'x');
    writeFileSync(join(dir, 'collector.yaml'), 'http:\n  port: 8443\n');
    expect(() => requireInitialised(dir, undefined)).toThrow(/not initialised/);
    writeFileSync(join(dir, 'collector.yaml'), 'database:\n  postgres:\n    url: postgres://mamori@db.example/mamori\n');
    expect(() => requireInitialised(dir, undefined)).not.toThrow();
  });
});
