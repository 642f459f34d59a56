import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiskActivity } from '../../platform/diskutil-activity.ts';
import { sampleStick } from '../../core/removable-media/sample-stick.ts';
import type { CommandRunner } from '../common/command-runner.ts';
import { DiskutilEnforcer, guardPlan } from './diskutil-enforcer.ts';

const activity = readFileSync(new URL('../../platform/fixtures/diskutil-activity.txt', import.meta.url), 'utf8')
  .split('\n').map(parseDiskActivity).filter((a) => a !== undefined);

function recorder(answers: Record<string, string> = {}) {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return { code: 0, stdout: answers[line] ?? '', stderr: '' };
  };
  return { calls, run };
}

const stick = sampleStick({ busPath: 'disk4' });
const mount = { mountPoint: '/Volumes/SANDISK', filesystem: 'msdos', blockDevice: '/dev/disk4s1', sizeBytes: 1, label: 'SANDISK', readOnly: false, device: stick };

describe('diskutil activity lines (hand-written in the format of public captures; see platform/fixtures/README.md)', () => {
  it('parses notifications with BSD name, decoded volume path, kind and name', () => {
    expect(activity.map((a) => a.event)).toEqual([
      'DiskAppeared', 'DAIdle', 'DiskAppeared', 'DiskAppeared', 'DiskMountApproval', 'DiskDescriptionChanged', 'DAIdle',
      'DiskUnmountApproval', 'DiskDescriptionChanged', 'DiskMountApproval', 'DiskDescriptionChanged', 'DiskAppeared', 'DiskDisappeared', 'DiskDisappeared',
    ]);
    expect(activity[3]).toEqual({ event: 'DiskAppeared', bsdName: 'disk4s1', volumePath: '', kind: 'msdos', name: 'SANDISK' });
    expect(activity[5]).toMatchObject({ bsdName: 'disk4s1', volumePath: '/Volumes/SANDISK' });
    expect(activity[11]).toEqual({ event: 'DiskAppeared', bsdName: 'disk5s2', volumePath: '/Volumes/会計資料 2024', kind: 'exfat', name: '会計資料 2024' });
    expect(parseDiskActivity('***Begin monitoring DiskArbitration activity')).toBeUndefined();
  });
});

describe('macOS enforcer plan (diskutil commands, recorded)', () => {
  it('block: unmounts the whole disk, then every later mount of its volumes is undone at once', async () => {
    const { calls, run } = recorder();
    const enforcer = new DiskutilEnforcer(run);
    await enforcer.applyDevice(stick, 'block');
    expect(calls).toEqual(['diskutil unmountDisk force /dev/disk4']);
    for (const a of activity) await enforcer.guard(a);
    // The two notifications that say disk4s1 is mounted (first mount, the user's remount); not disk5s2.
    expect(calls.slice(1)).toEqual(['diskutil unmount force /dev/disk4s1', 'diskutil unmount force /dev/disk4s1']);
    expect(enforcer.guarded).toEqual([
      '/dev/disk4s1 mounted at /Volumes/SANDISK again: unmounted',
      '/dev/disk4s1 mounted at /Volumes/SANDISK again: unmounted',
    ]);
  });

  it('read-only: remounts with diskutil mount readOnly; a writable remount is made read-only again, a read-only one left alone', async () => {
    const writable = '<plist><dict><key>WritableVolume</key>\n<true/></dict></plist>';
    const { calls, run } = recorder({ 'diskutil info -plist /dev/disk4s1': writable });
    const enforcer = new DiskutilEnforcer(run);
    await enforcer.applyDevice(stick, 'read_only');
    await enforcer.applyMount(mount, 'read_only');
    expect(calls).toEqual(['diskutil unmount /dev/disk4s1', 'diskutil mount readOnly /dev/disk4s1']);
    const remounted = activity.find((a) => a.event === 'DiskDescriptionChanged' && a.volumePath)!;
    await enforcer.guard(remounted);
    expect(calls.slice(2)).toEqual(['diskutil info -plist /dev/disk4s1', 'diskutil unmount /dev/disk4s1', 'diskutil mount readOnly /dev/disk4s1']);
    const quiet = recorder({ 'diskutil info -plist /dev/disk4s1': '<key>WritableVolume</key><false/>' });
    const again = new DiskutilEnforcer(quiet.run);
    await again.applyDevice(stick, 'read_only');
    await again.guard(remounted);
    expect(quiet.calls).toEqual(['diskutil info -plist /dev/disk4s1']);
  });

  it('allow after block: the guard stops; other disks, unmount notices and whole disks are never touched', () => {
    const blocked = new Set(['disk4']);
    expect(guardPlan(activity[5]!, blocked, new Set()).action).toBe('unmount');
    expect(guardPlan(activity[5]!, new Set(), new Set()).action).toBe('none');
    expect(guardPlan(activity[11]!, blocked, new Set()).action).toBe('none');
    expect(guardPlan(activity[8]!, blocked, new Set()).action).toBe('none');
    expect(guardPlan({ event: 'DiskAppeared', bsdName: 'disk4', volumePath: '/Volumes/X', kind: '', name: '' }, blocked, new Set()).action).toBe('none');
  });

  it('a volume that is not a BSD slice is refused with a reason', async () => {
    const { run } = recorder();
    expect(await new DiskutilEnforcer(run).applyMount({ ...mount, blockDevice: 'E:' }, 'block')).toEqual({ ok: false, detail: 'not a BSD volume: E:' });
  });
});
