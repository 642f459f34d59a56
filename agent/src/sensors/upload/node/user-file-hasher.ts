/**
 * Hashes a file a browser upload named, with the reporting user's permission only.
 * OS interface: the agent (root) runs `nice -n 19 openssl dgst -sha256 -r -- <path>` as the peer's uid and primary gid
 * (Node's spawn drops supplementary groups); so the kernel decides, exactly as for that user, whether the file (and
 * every directory above it) may be read, and the hashing runs at the lowest priority outside the agent's event loop.
 * OpenSSL uses the CPU's SHA extensions: 100 MB costs ~0.1 s of CPU against ~0.4 s for coreutils' sha256sum, which
 * is the fallback where openssl is not installed. nice only ranks processes within one cgroup (autogroup): against
 * the user's browser in another, the hash still takes its share, so the less CPU it needs the better (the extension
 * also reports a path only once its upload has ended). A root-only file named by an unprivileged caller yields
 * "permission denied", never a size or a hash. Privileges: root to switch uid; when the agent is not root, it
 * hashes only for its own uid. Known gaps: a file readable only through a supplementary group is not hashed.
 */
import { spawn } from 'node:child_process';
import { lstat } from 'node:fs/promises';

export interface FileOwnerCredentials {
  uid: number;
  gid: number;
}

export class UserFileHasher {
  async hash(path: string, maxBytes: number, as: FileOwnerCredentials): Promise<{ size: number; sha256: string }> {
    const own = process.getuid?.();
    if (own !== 0 && own !== as.uid) throw new Error('cannot read files as another user without root');
    // Metadata only, before anything is read: devices, FIFOs and symlink tricks are not files that were uploaded.
    const before = await lstat(path);
    if (!before.isFile()) throw new Error(`${path} is not a regular file`);
    const credentials = own === 0 ? { uid: as.uid, gid: as.gid } : {};
    if (before.size > maxBytes) {
      // Too big to hash: still say its size, but only if this user could read it.
      await runAs(['head', '-c', '1', '--', path], credentials);
      return { size: before.size, sha256: '' };
    }
    // At the lowest CPU priority, outside the agent's event loop: the upload it watches comes first. nice exits 127
    // when it cannot find the program: no openssl here, so coreutils does it.
    const out = await runAs(['nice', '-n', '19', 'openssl', 'dgst', '-sha256', '-r', '--', path], credentials).catch((error: unknown) => {
      if ((error as { exitCode?: number }).exitCode !== 127) throw error;
      return runAs(['nice', '-n', '19', 'sha256sum', '--', path], credentials);
    });
    const sha256 = /^([0-9a-f]{64})\s/.exec(out)?.[1];
    if (!sha256) throw new Error(`unexpected hash output for ${path}`);
    const after = await lstat(path);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new Error(`${path} changed while it was hashed`);
    return { size: after.size, sha256 };
  }
}

/** Runs a command with the given uid/gid; resolves with its stdout, rejects with its stderr on failure. */
function runAs(command: string[], credentials: { uid?: number; gid?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...credentials });
    let out = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => { if (out.length < 4096) out += text; });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { if (errors.length < 500) errors += text; });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out)
      : reject(Object.assign(new Error(errors.trim() || `${command[0]} exited ${code}`), { exitCode: code }))));
  });
}
