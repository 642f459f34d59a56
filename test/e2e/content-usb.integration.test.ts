import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '@mamori/agent';
import { defaultPolicyDir, readPolicyDir } from '@mamori/policies';
import type { FileCopyEvent } from '@mamori/proto';
import { RecordingEnforcer } from '../../agent/src/control/common/enforcer.ts';
import { encodeHashes, fingerprintText } from '../../agent/src/inspect/common/fingerprint.ts';
import { ContentInspector } from '../../agent/src/inspect/node/content-inspector.ts';
import { people, peopleXlsx, textDocx } from '../../agent/src/inspect/testing/corpus-writers.ts';
import { FileCopySensorConfigSchema } from '../../agent/src/sensors/file-copy/common/config.ts';
import { ChokidarFileCopySensor } from '../../agent/src/sensors/file-copy/node/file-copy-sensor.ts';
import { UsbSensor } from '../../agent/src/sensors/usb/common/usb-sensor.ts';
import { SysfsUsbSource } from '../../agent/src/sensors/usb/linux/sysfs-usb-source.ts';
import { enrollTestAgent, testAgentConfig } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { VirtualUsbLab, canMountVirtualSticks, type VirtualUsbStick } from '../harness/virtual-usb-stick.ts';

const PC = 'PC-ACCT-07';
const spec = [
  '新製品「みまもりカメラ」設計仕様書 第3版', '筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。',
  '画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。',
  '量産開始は2027年4月、初回ロットは12,000台を予定する。価格は税込19,800円。',
];

interface AlertRow { ruleId: string; severity: string; title: string; user: string }

describe.skipIf(!canMountVirtualSticks() && process.env.CI !== 'true')('content on a USB stick, end to end: copy → inspection → event → collector alert', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let lab: VirtualUsbLab;
  let stick: VirtualUsbStick;
  let work: string;
  const copies: FileCopyEvent[] = [];

  beforeAll(async () => {
    collector = await startTestCollector();
    // Shipped policies, with USB storage allowed on this PC and one document registered by IT.
    const content = readPolicyDir(defaultPolicyDir).find((s) => s.name === 'content.yaml')!.text.replace(
      'fingerprints: []',
      `fingerprints:\n    - name: camera_spec\n      label: { en: camera design spec, ja: カメラ設計仕様書 }\n      hashes: ${encodeHashes(fingerprintText(spec.join('\n')))}`,
    );
    await collector.app.policy.publish(readPolicyDir(defaultPolicyDir).map((s) => (
      s.name === 'content.yaml' ? { name: s.name, text: content } : s.name === 'device.yaml' ? { name: s.name, text: 'device: { default: { mode: allow } }\n' } : s)), 'test');
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: PC });
    lab = new VirtualUsbLab();
    work = mkdtempSync(join(tmpdir(), 'mamori-content-usb-'));
    // The sensors get the agent's own policy, device control and mount hub, as the real factories do.
    let fileCopy!: ChokidarFileCopySensor;
    agent = await runAgent(testAgentConfig(stateDir), {
      lightweight: true, log: () => undefined, userLookup: async () => 'tanaka', deviceEnforcer: new RecordingEnforcer(),
      sensors: (context) => {
        fileCopy = new ChokidarFileCopySensor({
          config: FileCopySensorConfigSchema.parse({}), policy: context.policy, mounts: context.mounts, user: context.currentUser, home: () => work,
          inspector: new ContentInspector(() => context.policy.current()?.content),
        });
        return [new UsbSensor({ source: new SysfsUsbSource({ sysRoot: lab.sysRoot, hotplug: false, pollMs: 50 }), control: context.deviceControl! }), fileCopy];
      },
    });
    const seen = agent.recorder.record.bind(agent.recorder);
    // Keep a copy of what the sensor emits, to check the event as recorded.
    agent.recorder.record = ((draft: Parameters<typeof seen>[0]) => {
      if (draft.fileCopy) copies.push(draft.fileCopy);
      return seen(draft);
    }) as typeof agent.recorder.record;
    await waitFor(() => agent.uplink.status().connected === true && (agent.policy.current()?.content?.fingerprints.length ?? 0) > 0, 30_000, 'agent connected with the policy');
    stick = lab.stick({ busPath: '3-1', serial: 'CONTENT-STICK', filesystem: 'tmpfs', sizeMb: 64 }).attach().mount();
    await waitFor(() => fileCopy.roots().some((r) => r.root === stick.mountPoint), 10_000, 'stick watched');
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.close();
    lab?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  const alerts = () => collector.app.store.db.prepare('SELECT rule_id AS ruleId, severity, title, user FROM alerts ORDER BY id').all() as AlertRow[];

  it('a personal-data xlsx copied to the stick carries the finding and raises a high alert naming it', async () => {
    const source = join(work, '住民一覧.xlsx');
    writeFileSync(source, await peopleXlsx(people(15)));
    copyFileSync(source, join(stick.mountPoint, '住民一覧.xlsx'));
    await waitFor(() => alerts().some((a) => a.ruleId === 'usb_copy_sensitive_content'), 30_000, 'alert');
    const copy = copies.find((c) => c.destinationPath?.endsWith('住民一覧.xlsx'));
    expect(copy?.content).toMatchObject({ status: 'inspected', format: 'xlsx', severity: 'high' });
    expect(copy?.content?.findings?.find((f) => f.rule === 'personal_data_list')).toMatchObject({ count: 15, severity: 'high', labelJa: '個人情報の一覧（マイナンバー10件以上）' });
    expect(alerts().find((a) => a.ruleId === 'usb_copy_sensitive_content')).toEqual({
      ruleId: 'usb_copy_sensitive_content', severity: expect.stringMatching(/^(high|critical)$/), user: 'tanaka',
      title: expect.stringContaining('住民一覧.xlsx → ') as string,
    });
    expect(alerts().find((a) => a.ruleId === 'usb_copy_sensitive_content')?.title).toContain('a personal-data list (10 or more My Numbers)');
  });

  it('a registered document saved under another name and format is recognised on the stick', async () => {
    writeFileSync(join(stick.mountPoint, 'notes-final.docx'), await textDocx(spec));
    await waitFor(() => alerts().some((a) => a.title.includes('camera design spec')), 30_000, 'alert for the registered document');
    const copy = copies.find((c) => c.destinationPath?.endsWith('notes-final.docx'));
    expect(copy?.content?.findings?.map((f) => f.rule)).toEqual(['registered_document']);
    expect(alerts().find((a) => a.title.includes('camera design spec'))?.ruleId).toBe('usb_copy_sensitive_content');
  });
});
