/**
 * Hashes the real local file a browser upload carried (path from webRequest's requestBody).
 * OS interface: the file system through Node's fs (all platforms). Privileges: the agent's (root/SYSTEM), so
 * the path is opened with O_NOFOLLOW where the OS has it and must be a regular file: a device, FIFO or /proc
 * entry named by a report can neither block nor feed the hasher. Known gaps: a file changed between the upload
 * and the hash gives the hash of the new content.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHasher } from '../common/upload-sensor.ts';

export class NodeFileHasher implements FileHasher {
  async hash(path: string, maxBytes: number): Promise<{ size: number; sha256: string }> {
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
      if (stat.size > maxBytes) return { size: stat.size, sha256: '' };
      const hash = createHash('sha256');
      for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) {
        hash.update(chunk as Buffer);
      }
      return { size: stat.size, sha256: hash.digest('hex') };
    } finally {
      await handle.close();
    }
  }
}
