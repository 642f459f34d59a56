import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources } from '@mamori/policies';
import type { FileCopyEvent } from '@mamori/proto';
import { VirtualUsbLab, canMountVirtualSticks, type VirtualUsbStick } from '@mamori/test';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import { DeviceControl } from '../../../control/common/device-control.ts';
import { RecordingEnforcer } from '../../../control/common/enforcer.ts';
import { MountHub } from '../../../core/removable-media/mount-hub.ts';
import { UsbSensor } from '../../usb/common/usb-sensor.ts';
import { SysfsUsbSource } from '../../usb/linux/sysfs-usb-source.ts';
import { FileCopySensorConfigSchema } from '../common/config.ts';
import { ChokidarFileCopySensor } from './file-copy-sensor.ts';

async function until(what: string, probe: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!canMountVirtualSticks() && process.env.CI !== 'true')('file copies to a virtual stick', () => {
  let lab: VirtualUsbLab;
  let stick: VirtualUsbStick;
  let work: string;
  const copies: FileCopyEvent[] = [];
  const controller = new AbortController();
  let fileCopy: ChokidarFileCopySensor;

  beforeAll(async () => {
    lab = new VirtualUsbLab();
    work = mkdtempSync(join(tmpdir(), 'mamori-fc-'));
    mkdirSync(join(work, 'home/hanako/Documents/citizens'), { recursive: true });
    mkdirSync(join(work, 'OneDrive'), { recursive: true });
    const set = parsePolicySources([{ name: 'p.yaml', text: [
      'device: { default: { mode: allow } }',
      'file_copy:',
      '  source_folders: [~/Documents]',
      `  exits: [ { name: OneDrive, kind: cloud_sync, path: ${join(work, 'OneDrive')} } ]`,
      '  network_shares: false',
    ].join('\n') }]);
    const policy = new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1));
    const mounts = new MountHub();
    const emit = (event: EventDraft) => {
      if (event.fileCopy) copies.push(event.fileCopy);
      return copies.length;
    };
    const control = new DeviceControl({ policy, mounts, user: () => 'hanako', emit, enforcer: new RecordingEnforcer() });
    const usb = new UsbSensor({ source: new SysfsUsbSource({ sysRoot: lab.sysRoot, hotplug: false, pollMs: 50 }), control });
    fileCopy = new ChokidarFileCopySensor({
      config: FileCopySensorConfigSchema.parse({}), policy, mounts, user: () => 'hanako', home: () => join(work, 'home/hanako'),
    });
    await usb.start(emit, controller.signal);
    await fileCopy.start(emit, controller.signal);
    stick = lab.stick({ busPath: '2-1', serial: 'COPY-STICK', filesystem: 'tmpfs', sizeMb: 1024 }).attach().mount();
    await until('stick watched', () => fileCopy.roots().some((r) => r.root === stick.mountPoint && r.kind === 'removable'));
  });

  afterAll(() => {
    controller.abort();
    lab.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('records a file copied from a watched folder with its source path, device and user', async () => {
    const source = join(work, 'home/hanako/Documents/citizens/register-2024.csv');
    writeFileSync(source, 'id,name,address\n1,Yamada Taro,Tokyo\n');
    copyFileSync(source, join(stick.mountPoint, 'register.csv'));
    await until('copy recorded', () => copies.some((c) => c.destinationPath?.endsWith('register.csv')));
    expect(copies.find((c) => c.destinationPath?.endsWith('register.csv'))).toEqual({
      destinationPath: join(stick.mountPoint, 'register.csv'), destinationKind: 'removable', destinationRoot: stick.mountPoint,
      sizeBytes: readFileSync(source).length, sha256: sha(readFileSync(source)), sourcePath: source, operation: 'created',
      device: expect.objectContaining({ serial: 'COPY-STICK', vendorId: '0781', busPath: '2-1' }),
    });
  });

  it('records every one of 5,000 files copied in one burst, with correct hashes', async () => {
    const batch = join(work, 'batch');
    mkdirSync(batch);
    const expected = new Map<string, string>();
    for (let i = 0; i < 5_000; i += 1) {
      const dir = join(batch, `d${i % 50}`);
      if (i < 50) mkdirSync(dir);
      const content = `record ${i} ${'x'.repeat(i % 700)}\n`;
      writeFileSync(join(dir, `f${i}.txt`), content);
      expected.set(join(stick.mountPoint, 'batch', `d${i % 50}`, `f${i}.txt`), sha(content));
    }
    const before = copies.length;
    execFileSync('cp', ['-r', batch, stick.mountPoint]); // the user's copy, by a real program
    await until('5,000 copies recorded', () => copies.length - before >= 5_000, 120_000);
    await fileCopy.idle();
    const recorded = copies.slice(before);
    expect(recorded).toHaveLength(5_000);
    const byPath = new Map(recorded.map((c) => [c.destinationPath, c.sha256]));
    expect(byPath.size).toBe(5_000);
    for (const [path, hash] of expected) expect(byPath.get(path), path).toBe(hash);
  }, 150_000); // hashing runs at nice 19: on a busy machine it waits its turn (8 s quiet, over 60 s under load)

  it('records copies into a cloud-sync exit folder from policy', async () => {
    writeFileSync(join(work, 'OneDrive', 'sales.xlsx'), 'sales list');
    await until('cloud copy recorded', () => copies.some((c) => c.destinationKind === 'cloud_sync'));
    expect(copies.find((c) => c.destinationKind === 'cloud_sync')).toMatchObject({
      destinationPath: join(work, 'OneDrive', 'sales.xlsx'), sha256: sha('sales list'), sourcePath: '',
    });
  });
});
