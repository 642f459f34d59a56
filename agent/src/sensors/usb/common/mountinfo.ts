/** One line of /proc/<pid>/mountinfo (proc(5)). */
export interface MountInfoEntry {
  mountId: number;
  /** "major:minor" of the filesystem's device. */
  majorMinor: string;
  mountPoint: string;
  options: string[];
  fsType: string;
  /** Mount source, e.g. /dev/sdb1; for tmpfs whatever name was given. */
  source: string;
  readOnly: boolean;
}

/**
 * Parses mountinfo text. Malformed lines are skipped rather than fatal: the file comes from the kernel, but a
 * fake tree or a future format must not crash the agent.
 */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const before = line.slice(0, dash).split(' ');
    const after = line.slice(dash + 3).split(' ');
    if (before.length < 6 || after.length < 2) continue;
    const mountId = Number(before[0]);
    if (!Number.isInteger(mountId)) continue;
    const options = (before[5] ?? '').split(',');
    entries.push({
      mountId, majorMinor: before[2] ?? '', mountPoint: unescapeOctal(before[4] ?? ''), options,
      fsType: after[0] ?? '', source: unescapeOctal(after[1] ?? ''), readOnly: options.includes('ro'),
    });
  }
  return entries;
}

/** The kernel writes space, tab, newline and backslash in paths as \040, \011, \012, \134. */
export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
