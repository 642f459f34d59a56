import { describe, expect, it } from 'vitest';
import { parseMountInfo } from './mountinfo.ts';

describe('mountinfo parsing', () => {
  it('reads mount point, options, type and source, with escaped spaces and optional fields', () => {
    const text = [
      '22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro',
      '412 30 8:17 / /media/hanako/MY\\040STICK rw,nosuid,nodev,relatime shared:210 master:3 - vfat /dev/sdb1 rw,fmask=0022',
      '413 30 7:3 / /mnt/ro ro,relatime - ext4 /dev/loop3 ro',
      'garbage line',
    ].join('\n');
    const entries = parseMountInfo(text);
    expect(entries).toHaveLength(3);
    expect(entries[1]).toEqual({
      mountId: 412, majorMinor: '8:17', mountPoint: '/media/hanako/MY STICK', options: ['rw', 'nosuid', 'nodev', 'relatime'],
      fsType: 'vfat', source: '/dev/sdb1', readOnly: false,
    });
    expect(entries[2]!.readOnly).toBe(true);
  });
});
