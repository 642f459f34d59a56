import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { UsbObservation } from '../../../core/removable-media/usb-device.ts';
import { scriptOf, UTF8_OUTPUT } from '../../../platform/powershell.ts';
import type { HostProcess } from '../../../platform/line-host.ts';
import { parseHostLine, WMI_EVENT_HOST_SCRIPT, WmiEventUsbSource } from './wmi-event-host.ts';
import { parseWmiSnapshot } from './wmi-usb-source.ts';

const eventsFile = fileURLToPath(new URL('./fixtures/wmi-events.jsonl', import.meta.url));
const jaSnapshot = parseWmiSnapshot(readFileSync(new URL('./fixtures/wmi-snapshot-ja.utf8.json', import.meta.url), 'utf8'));

/**
 * A real child process that writes `bytes` to stdout one line every 80 ms (each line in two chunks, split in the
 * middle), then stays or exits with code 3.
 */
function replayHost(bytes: Buffer, stay: boolean): HostProcess {
  const code = `const b=Buffer.from(${JSON.stringify(bytes.toString('base64'))},'base64');const parts=[];let s=0;`
    + 'for(let i=0;i<b.length;i++){if(b[i]===10){const m=s+Math.floor((i+1-s)/2);parts.push(b.subarray(s,m),b.subarray(m,i+1));s=i+1;}}'
    + `let n=0;const t=setInterval(()=>{if(n<parts.length){process.stdout.write(parts[n++]);return;}clearInterval(t);${stay ? 'setInterval(()=>{},1000)' : 'process.exit(3)'}},40);`;
  return spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WMI event host lines (hand-written fixture in the host script\'s format)', () => {
  it('parses every kind of line and ignores anything else', () => {
    const lines = readFileSync(eventsFile, 'utf8').split('\r\n').filter(Boolean).map(parseHostLine);
    expect(lines).toEqual([
      { kind: 'ready' },
      { kind: 'device', change: 'arrival', id: 'USB\\VID_0781&PID_5581\\4C530001231120115142', name: 'USB 大容量記憶装置' },
      { kind: 'volume', change: 'arrival', drive: 'E:' },
      { kind: 'heartbeat' },
      { kind: 'volume', change: 'removal', drive: 'E:' },
      { kind: 'device', change: 'removal', id: 'USB\\VID_0781&PID_5581\\4C530001231120115142', name: 'USB 大容量記憶装置' },
    ]);
    expect(parseHostLine('WARNING: something')).toBeUndefined();
    expect(parseHostLine('{"kind":"device","change":"arrival"}')).toBeUndefined();
  });

  it('the host script forces UTF-8 first and subscribes to volume and PnP arrival/removal events', () => {
    expect(WMI_EVENT_HOST_SCRIPT).toContain('Register-CimIndicationEvent -ClassName Win32_VolumeChangeEvent');
    expect(WMI_EVENT_HOST_SCRIPT).toMatch(/__InstanceCreationEvent WITHIN 2 WHERE TargetInstance ISA 'Win32_PnPEntity'/);
    expect(WMI_EVENT_HOST_SCRIPT).toMatch(/__InstanceDeletionEvent WITHIN 2 WHERE TargetInstance ISA 'Win32_PnPEntity'/);
    expect(scriptOf(['-EncodedCommand', Buffer.from(`${UTF8_OUTPUT}\n${WMI_EVENT_HOST_SCRIPT}`, 'utf16le').toString('base64')])).toContain('Wait-Event');
  });
});

describe('WmiEventUsbSource (a real child process replaying the hand-written event lines)', () => {
  it('takes a snapshot on every device/volume event and reports the changes; keeps running while the host does', async () => {
    let snapshots = 0;
    const states: UsbSnapshot[] = [{ devices: [], mounts: [] }, { devices: jaSnapshot.devices, mounts: [] }, jaSnapshot, { devices: jaSnapshot.devices, mounts: [] }, { devices: [], mounts: [] }];
    const source = new WmiEventUsbSource({
      snapshot: async () => states[Math.min(snapshots++, states.length - 1)]!,
      spawnHost: () => replayHost(readFileSync(eventsFile), true),
      reconcileMs: 60_000,
    });
    const seen: UsbObservation[] = [];
    const abort = new AbortController();
    await source.start((o) => seen.push(o), abort.signal);
    await until(() => source.eventCount === 4 && seen.length === 4);
    expect(source.status()).toMatchObject({ state: 'running', detail: expect.stringContaining('WMI events') });
    abort.abort();
    expect(seen.map((o) => o.type)).toEqual(['attached', 'mounted', 'unmounted', 'detached']);
    expect(seen[1]).toMatchObject({ mount: { label: '会計資料_2024' } });
    // One snapshot at start plus one per event (ready and heartbeat lines take none).
    expect(snapshots).toBe(5);
  });

  it('a line in the console code page is not trusted: it triggers a snapshot and is reported in the status', async () => {
    let snapshots = 0;
    const cp932Line = iconv.encode('{"kind":"device","change":"arrival","id":"USB\\\\VID_0781\\u0026PID_5581\\\\X","name":"USB 大容量記憶装置"}\r\n', 'cp932');
    const source = new WmiEventUsbSource({
      snapshot: async () => { snapshots += 1; return { devices: [], mounts: [] }; },
      spawnHost: () => replayHost(Buffer.concat([Buffer.from('{"kind":"ready"}\r\n'), cp932Line]), true),
    });
    const abort = new AbortController();
    await source.start(() => undefined, abort.signal);
    await until(() => source.eventCount === 1);
    await source.rescan();
    expect(source.status().detail).toContain('not UTF-8');
    abort.abort();
    expect(snapshots).toBeGreaterThanOrEqual(2);
  });

  it('when the host exits it falls back to polling snapshots (degraded) and starts the host again', async () => {
    let spawned = 0;
    let snapshots = 0;
    const source = new WmiEventUsbSource({
      snapshot: async () => { snapshots += 1; return { devices: [], mounts: [] }; },
      spawnHost: () => { spawned += 1; return replayHost(Buffer.from('{"kind":"ready"}\r\n'), false); },
      fallbackPollMs: 30, restartMs: 200,
    });
    const abort = new AbortController();
    await source.start(() => undefined, abort.signal);
    await until(() => source.status().state === 'degraded');
    expect(source.status().detail).toMatch(/event host down \(exited with code 3\): polling snapshots every 30 ms/);
    const before = snapshots;
    await until(() => snapshots >= before + 2);
    await until(() => spawned >= 2);
    abort.abort();
  });
});
