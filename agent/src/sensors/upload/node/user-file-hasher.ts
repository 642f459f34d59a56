/**
 * Hashes a file a browser upload named, with the reporting user's permission only.
 * OS interface: the agent (root) starts `cat -- <path>` as the peer's uid and primary gid (Node's spawn drops
 * supplementary groups), and hashes what it reads; so the kernel decides, exactly as for that user, whether the
 * file (and every directory above it) may be read. A root-only file named by an unprivileged caller yields
 * "permission denied", never a size or a hash. Privileges: root to switch uid; when the agent is not root, it
 * hashes only for its own uid. Known gaps: a file readable only through a supplementary group is not hashed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
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
    const stat = await lstat(path);
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
    const child = spawn('cat', ['--', path], {
      stdio: ['ignore', 'pipe', 'pipe'], ...(own === 0 ? { uid: as.uid, gid: as.gid } : {}),
    });
    const hash = createHash('sha256');
    let size = 0;
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => { errors += text.slice(0, 500); });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) child.kill();
      else hash.update(chunk);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (size > maxBytes) return { size: stat.size, sha256: '' };
    if (code !== 0) throw new Error(`cannot read ${path} as uid ${as.uid}: ${errors.trim() || `exit ${code}`}`);
    return { size, sha256: hash.digest('hex') };
  }
}
