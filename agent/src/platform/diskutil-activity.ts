/**
 * `diskutil activity` (macOS): diskutil(8) prints DiskArbitration's notifications as they happen, one per line,
 * e.g. `***DiskAppeared ('disk4s1', DAVolumePath = 'file:///Volumes/SANDISK/', DAVolumeKind = 'msdos',
 * DAVolumeName = 'SANDISK') Time=20221231-16:38:26.6321`. It first replays the disks already present, then
 * `***DAIdle` marks "caught up". Values are quoted with '…'; '<null>' means absent; the volume path is a file URL.
 */

export interface DiskActivity {
  /** DiskAppeared, DiskDisappeared, DiskDescriptionChanged, DiskMountApproval, DiskUnmountApproval, DAIdle … */
  event: string;
  /** "disk4s1"; empty for DAIdle. */
  bsdName: string;
  /** "/Volumes/SANDISK" (decoded, no trailing slash) when the disk is mounted; empty otherwise. */
  volumePath: string;
  kind: string;
  name: string;
}

function field(text: string, key: string): string {
  const value = new RegExp(`${key} = '((?:[^']|'(?! *[,)]))*)'`).exec(text)?.[1] ?? '';
  return value === '<null>' ? '' : value;
}

/** Parses one line; undefined for anything that is not a notification. */
export function parseDiskActivity(line: string): DiskActivity | undefined {
  const match = /^\*\*\*(\w+) \((.*)\)(?: [A-Za-z]+=.*)?$/.exec(line.trim());
  if (!match) return undefined;
  const [, event, body] = match as unknown as [string, string, string];
  const bsdName = /^'(disk\d+(?:s\d+)*)'/.exec(body)?.[1] ?? '';
  const url = field(body, 'DAVolumePath');
  let volumePath = '';
  if (url.startsWith('file://')) {
    try {
      volumePath = decodeURIComponent(new URL(url).pathname).replace(/\/$/, '') || '/';
    } catch {
      volumePath = '';
    }
  }
  return { event, bsdName, volumePath, kind: field(body, 'DAVolumeKind'), name: field(body, 'DAVolumeName') };
}

/** "disk4s1" → "disk4" (the whole disk a volume belongs to). */
export function wholeDisk(bsdName: string): string {
  return /^(disk\d+)/.exec(bsdName)?.[1] ?? bsdName;
}
