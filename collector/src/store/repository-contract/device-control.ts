import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { storeEvents, type RepositoriesUnderTest } from './subject.ts';

const usb = (serial: string, product: string) => ({ vendorId: '0781', productId: '5581', serial, vendor: 'SanDisk', product });
/** Seq 1–3: the same stick attached twice and another once; 4: a detach; 5–6: exception decisions; 7: an unrelated decision. */
const payloads: Partial<Event>[] = [
  { device: { action: 'ATTACHED', device: usb('S-1', 'Ultra'), mountPoint: '/media/a', label: 'A' } },
  { device: { action: 'ATTACHED', device: usb('S-2', 'Cruzer') } },
  { device: { action: 'ATTACHED', device: usb('S-1', 'Ultra') } },
  { device: { action: 'DETACHED', device: usb('S-3', 'Other') } },
  { policyDecision: { subject: 'device', decision: 'exception_applied', rule: 'device.exceptions.x1', detail: '' } },
  { policyDecision: { subject: 'device', decision: 'exception_revoked', rule: 'device.exceptions.x1', detail: '' } },
  { policyDecision: { subject: 'mail', decision: 'blocked', rule: 'mail.rules.y', detail: '' } },
];

/** Device control: exceptions and their revocations, the decisions PCs journaled, devices seen on a PC. */
export function deviceControlContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('device control: revokes an active exception once, records it for the push watcher, refuses expired ones', async () => {
    const { store, repos: { deviceControl } } = await start();
    const exception = { serial: null, mode: 'allow' as const, reason: '承認済み', createdBy: 'op', createdMs: 1, revokedMs: null };
    await store.createDeviceException({ ...exception, id: 'x1', pc: 'PC-1', untilMs: 10_000 });
    await store.createDeviceException({ ...exception, id: 'x2', pc: 'PC-2', untilMs: 10_000, serial: 'S-9' });
    await store.createDeviceException({ ...exception, id: 'old', pc: 'PC-3', untilMs: 100 });
    expect(await deviceControl.findException('x2')).toEqual({ ...exception, id: 'x2', pc: 'PC-2', untilMs: 10_000, serial: 'S-9' });
    expect(await deviceControl.findException('nope')).toBeUndefined();
    expect(await deviceControl.revocationsAfter(0)).toEqual({ cursor: 0, pcs: [] });
    expect(await deviceControl.revokeException('x1', 'admin', 500)).toMatchObject({ id: 'x1', pc: 'PC-1', revokedMs: 500 });
    expect(await deviceControl.revokeException('x1', 'admin', 600)).toBeUndefined();
    expect(await deviceControl.revokeException('old', 'admin', 600)).toBeUndefined();
    await deviceControl.revokeException('x2', 'admin', 700);
    const first = await deviceControl.revocationsAfter(0);
    expect(first.pcs).toEqual(['PC-1', 'PC-2']);
    expect(await deviceControl.revocationsAfter(first.cursor)).toEqual({ cursor: first.cursor, pcs: [] });
    expect((await store.activeDeviceExceptions('PC-1', 800)).map((e) => e.id)).toEqual([]);
  });

  it('device control: the exception decisions a PC journaled, and the storage devices seen on it, newest first', async () => {
    const { store, repos: { deviceControl } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const decisions = await deviceControl.exceptionDecisions('PC-1', 0);
    expect(decisions.map((d) => [d.eventId, d.action, d.summary])).toEqual([
      [stored[4]!.id, 'exception_applied', 'device · device.exceptions.x1'], [stored[5]!.id, 'exception_revoked', 'device · device.exceptions.x1'],
    ]);
    expect(decisions[0]!.bytes.equals(stored[4]!.bytes)).toBe(true);
    expect(await deviceControl.exceptionDecisions('PC-1', stored[5]!.timeMs)).toHaveLength(1);
    expect(await deviceControl.exceptionDecisions('PC-2', 0)).toEqual([]);
    expect(await deviceControl.devicesSeenOn('PC-1', 10)).toEqual([
      { vendorId: '0781', productId: '5581', serial: 'S-1', vendor: 'SanDisk', product: 'Ultra', lastSeenMs: stored[2]!.timeMs, lastUser: 'tanaka' },
      { vendorId: '0781', productId: '5581', serial: 'S-2', vendor: 'SanDisk', product: 'Cruzer', lastSeenMs: stored[1]!.timeMs, lastUser: 'tanaka' },
    ]);
    expect(await deviceControl.devicesSeenOn('PC-1', 1)).toHaveLength(1);
    expect(await deviceControl.pcNames()).toEqual(['PC-1']);
  });
}
