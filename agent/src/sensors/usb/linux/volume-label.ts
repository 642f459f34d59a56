import { closeSync, openSync, readSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The volume label of a block device: from /dev/disk/by-label (udev) when present, else read from the
 * filesystem's superblock for ext2/3/4 and FAT (no udev in containers and minimal systems). Empty when unknown.
 */
export function readVolumeLabel(devRoot: string, blockDevice: string, fsType: string): string {
  const byLabel = join(devRoot, 'disk/by-label');
  try {
    const target = realpathSync(blockDevice);
    for (const name of readdirSync(byLabel)) {
      if (realpathSync(join(byLabel, name)) === target) return name.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  } catch {
    // no udev links: fall through to the superblock
  }
  if (!blockDevice.startsWith('/')) return '';
  const head = readHead(blockDevice, 1024 + 512);
  if (!head) return '';
  if (/^ext[234]$/.test(fsType) && head.length >= 1024 + 0x88 && head.readUInt16LE(1024 + 0x38) === 0xef53) {
    return clean(head.subarray(1024 + 0x78, 1024 + 0x88));
  }
  if (fsType === 'vfat' || fsType === 'msdos') {
    if (head.subarray(0x52, 0x57).toString('latin1') === 'FAT32') return clean(head.subarray(0x47, 0x52));
    if (head.subarray(0x36, 0x39).toString('latin1') === 'FAT') return clean(head.subarray(0x2b, 0x36));
  }
  return '';
}

function readHead(path: string, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function clean(bytes: Buffer): string {
  const text = bytes.toString('utf8').replace(/\0.*$/s, '').trim();
  return text === 'NO NAME' ? '' : text;
}
