import { readFile } from 'node:fs/promises';
import { parseMountInfo } from '../../usb/common/mountinfo.ts';

/** Filesystem types of network shares as Linux names them in mountinfo. */
const NETWORK_FS = new Set(['cifs', 'smb3', 'smbfs', 'nfs', 'nfs4', 'fuse.sshfs', 'afs', 'fuse.rclone', 'davfs', 'fuse.davfs2']);

/** Mount points of network shares in a mountinfo file (Linux). Empty when the file cannot be read. */
export async function networkShareMounts(mountInfoPath = '/proc/self/mountinfo'): Promise<string[]> {
  try {
    return parseMountInfo(await readFile(mountInfoPath, 'utf8')).filter((e) => NETWORK_FS.has(e.fsType)).map((e) => e.mountPoint);
  } catch {
    return [];
  }
}
