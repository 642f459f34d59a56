import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const stick = (serial: string) => ({ vendorId: '0781', productId: serial === 'S-3' ? '55a1' : '5581', serial, vendor: 'SanDisk', product: `Stick ${serial}` });
const device = (action: string, serial: string, rule = ''): Partial<Event> => ({ device: { action: action as 'ATTACHED', device: stick(serial), rule, mountPoint: '/media/x' } });
const copy = (serial: string, destinationPath: string, sha256: string): Partial<Event> => ({
  fileCopy: { destinationPath, destinationKind: 'removable', destinationRoot: '/media/x', sizeBytes: 10, sha256, sourcePath: '/home/tanaka/顧客名簿.xlsx', device: stick(serial), operation: 'copied' },
});
/** Seq 1–7, oldest first. */
const payloads = [
  device('ATTACHED', 'S-1'), device('BLOCKED', 'S-1', 'usb.block'), device('ATTACHED', 'S-2'), device('ALLOWED', 'S-2', 'exception x1'),
  copy('S-2', '/media/x/顧客名簿.xlsx', 'ABCDEF'), copy('S-2', '/media/x/Report_Q3.pdf', '123456'), device('ATTACHED', 'S-3'),
];

/** USB device events, file copies to exits, and the devices seen: filled by projection, searched as SQLite does. */
export function devicesContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('devices: device events and file copies by PC, serial, action, model, words, hash, time and page; devices seen with their last decision', async () => {
    const { store, repos: { devices } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const timeOf = (seq: number) => stored[seq - 1]!.timeMs;
    expect((await devices.searchDeviceEvents({})).map((r) => [r.action, r.serial])).toEqual([
      ['ATTACHED', 'S-3'], ['ALLOWED', 'S-2'], ['ATTACHED', 'S-2'], ['BLOCKED', 'S-1'], ['ATTACHED', 'S-1'],
    ]);
    expect((await devices.searchDeviceEvents({ serial: 'S-1', action: 'BLOCKED' }))[0]).toMatchObject({
      agentId, pc: 'PC-1', user: 'tanaka', vendorId: '0781', productId: '5581', product: 'Stick S-1', rule: 'usb.block', mountPoint: '/media/x', timeMs: timeOf(2),
    });
    expect((await devices.searchDeviceEvents({ model: '0781:55A1' })).map((r) => r.serial)).toEqual(['S-3']);
    expect(await devices.searchDeviceEvents({ model: '0781' })).toHaveLength(5);
    const page = await devices.searchDeviceEvents({ limit: 2 });
    expect((await devices.searchDeviceEvents({ beforeId: page[1]!.id, pc: 'PC-1' })).map((r) => r.serial)).toEqual(['S-2', 'S-1', 'S-1']);
    expect(await devices.searchDeviceEvents({ fromMs: timeOf(3), toMs: timeOf(4) })).toHaveLength(1);

    expect((await devices.searchFileCopies({ text: '顧客名簿' })).map((r) => r.destinationPath)).toEqual(['/media/x/Report_Q3.pdf', '/media/x/顧客名簿.xlsx']);
    expect((await devices.searchFileCopies({ text: 'report_q3' })).map((r) => r.sha256)).toEqual(['123456']);
    expect((await devices.searchFileCopies({ sha256: 'abcdef' }))[0]).toMatchObject({ destinationPath: '/media/x/顧客名簿.xlsx', sha256: 'abcdef', serial: 'S-2', user: 'tanaka' });
    expect(await devices.searchFileCopies({ kind: 'network' })).toEqual([]);

    expect(await devices.seenDevices(0, Number.MAX_SAFE_INTEGER)).toEqual([
      { vendorId: '0781', productId: '55a1', serial: 'S-3', vendor: 'SanDisk', product: 'Stick S-3', firstSeenMs: timeOf(7), lastSeenMs: timeOf(7), pcs: 1, lastPc: 'PC-1', lastAction: null, lastRule: null, blocked: 0, copies: 0 },
      { vendorId: '0781', productId: '5581', serial: 'S-2', vendor: 'SanDisk', product: 'Stick S-2', firstSeenMs: timeOf(3), lastSeenMs: timeOf(4), pcs: 1, lastPc: 'PC-1', lastAction: 'ALLOWED', lastRule: 'exception x1', blocked: 0, copies: 2 },
      { vendorId: '0781', productId: '5581', serial: 'S-1', vendor: 'SanDisk', product: 'Stick S-1', firstSeenMs: timeOf(1), lastSeenMs: timeOf(2), pcs: 1, lastPc: 'PC-1', lastAction: 'BLOCKED', lastRule: 'usb.block', blocked: 1, copies: 0 },
    ]);
    expect(await devices.seenDevices(timeOf(7) + 1, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
}
