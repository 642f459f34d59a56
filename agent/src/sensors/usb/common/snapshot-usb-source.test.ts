import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources } from '@mamori/policies';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import { DeviceControl } from '../../../control/common/device-control.ts';
import { RecordingEnforcer } from '../../../control/common/enforcer.ts';
import { parseSystemProfilerUsb } from '../darwin/system-profiler-usb-source.ts';
import { parseWmiSnapshot } from '../win32/wmi-usb-source.ts';
import { SnapshotUsbSource, type UsbSnapshot } from './snapshot-usb-source.ts';
import { UsbSensor } from './usb-sensor.ts';

const fixture = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

/** Runs recorded snapshots through the same sensor and device control as Linux; returns the events. */
async function eventsFrom(snapshots: UsbSnapshot[]): Promise<EventDraft[]> {
  const set = parsePolicySources([{ name: 'd.yaml', text: 'device: { default: { mode: block }, allow: [ { name: archive, serial: 60A44C3FAE22EEA0797900B5, mode: read_only } ] }' }]);
  let next = 0;
  const source = new SnapshotUsbSource('recorded', async () => snapshots[Math.min(next++, snapshots.length - 1)]!, 60_000);
  const events: EventDraft[] = [];
  const emit = (event: EventDraft) => { events.push(event); return events.length; };
  const control = new DeviceControl({ policy: new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1)), enforcer: new RecordingEnforcer(), user: () => 'tanaka', emit });
  const sensor = new UsbSensor({ source, control });
  const controller = new AbortController();
  await sensor.start(emit, controller.signal);
  for (let i = 1; i < snapshots.length; i += 1) await source.rescan();
  await control.idle();
  controller.abort();
  return events;
}

const summary = (events: EventDraft[]) => events.filter((e) => e.device).map((e) => [e.device!.action, e.device!.device?.serial, e.device!.mountPoint ?? '', e.device!.rule ?? '']);

describe('Windows and macOS outputs (fixtures in the documented formats) become the same events as on Linux', () => {
  it('WMI (hand-written fixture): attach, decisions with rules, mounts; then removal', async () => {
    const full = parseWmiSnapshot(fixture('../win32/fixtures/wmi-snapshot.json'));
    const events = await eventsFrom([full, { devices: [], mounts: [] }]);
    expect(summary(events)).toEqual([
      ['ATTACHED', '', '', ''],
      ['ATTACHED', '', '', ''],
      ['ATTACHED', '4C530001231120115142', '', ''],
      ['BLOCKED', '4C530001231120115142', '', 'device.default'],
      ['ATTACHED', '60A44C3FAE22EEA0797900B5', '', ''],
      ['READ_ONLY', '60A44C3FAE22EEA0797900B5', '', 'device.allow.archive'],
      ['ATTACHED', '0123456789ABCDEF', '', ''],
      ['BLOCKED', '0123456789ABCDEF', '', 'device.default'],
      ['MOUNTED', '4C530001231120115142', 'E:\\', ''],
      ['BLOCKED', '4C530001231120115142', 'E:\\', 'device.default'],
      ['MOUNTED', '60A44C3FAE22EEA0797900B5', 'F:\\', ''],
      ['MOUNTED', '0123456789ABCDEF', 'G:\\', ''],
      ['BLOCKED', '0123456789ABCDEF', 'G:\\', 'device.default'],
      ['UNMOUNTED', '4C530001231120115142', 'E:\\', ''],
      ['UNMOUNTED', '60A44C3FAE22EEA0797900B5', 'F:\\', ''],
      ['UNMOUNTED', '0123456789ABCDEF', 'G:\\', ''],
      ['DETACHED', '', '', ''],
      ['DETACHED', '', '', ''],
      ['DETACHED', '4C530001231120115142', '', ''],
      ['DETACHED', '60A44C3FAE22EEA0797900B5', '', ''],
      ['DETACHED', '0123456789ABCDEF', '', ''],
    ]);
    expect(events.find((e) => e.device?.action === 'MOUNTED')!.device).toMatchObject({ filesystem: 'fat32', label: 'SANDISK', sizeBytes: 30747295744, blockDevice: '\\\\.\\PHYSICALDRIVE1' });
  });

  it('system_profiler (hand-written fixture): the same shape of events', async () => {
    const events = await eventsFrom([parseSystemProfilerUsb(fixture('../darwin/fixtures/system-profiler-usb.json'))]);
    expect(summary(events)).toEqual([
      ['ATTACHED', 'F0T0000000001', '', ''],
      ['ATTACHED', '4C530001231120115142', '', ''],
      ['BLOCKED', '4C530001231120115142', '', 'device.default'],
      ['ATTACHED', '60A44C3FAE22EEA0797900B5', '', ''],
      ['READ_ONLY', '60A44C3FAE22EEA0797900B5', '', 'device.allow.archive'],
      ['MOUNTED', '4C530001231120115142', '/Volumes/SANDISK', ''],
      ['BLOCKED', '4C530001231120115142', '/Volumes/SANDISK', 'device.default'],
      ['MOUNTED', '60A44C3FAE22EEA0797900B5', '/Volumes/Akten 2024', ''],
    ]);
  });
});
