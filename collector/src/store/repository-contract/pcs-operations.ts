import { expect, it } from 'vitest';
import { agentId, candidate, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const t0 = 1_700_000_000_000;

/** PCs (current agents, timelines) and the operational figures behind /metrics. */
export function pcsOperationsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('pcs: lists current agents with open alerts, and pages a PC\'s timeline newest first by (time, id)', async () => {
    const { store, repos: { pcs, alerts } } = await start();
    const events = await storeEvents(store, 5);
    await store.createAgent({ id: 'agent-old', pc: 'PC-0', hardwareId: 'hw-0', os: 'win32', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
    await store.retireAgent('agent-old', 2);
    const [open] = await alerts.record([candidate(t0), candidate(t0, { user: 'sato' })], t0);
    await alerts.resolve(open!.id, 'true_positive', 'op', t0);
    await store.recordHeartbeat(agentId, { timeMs: t0, agentVersion: '2.0.0', policyVersion: 3, currentUser: 'tanaka', sensors: [], journalBacklog: 7 });
    expect(await pcs.list()).toEqual([{
      pc: 'PC-1', agentId, os: 'linux', connected: false, lastSeenMs: t0, currentUser: 'tanaka', agentVersion: '2.0.0', policyVersion: 3, journalBacklog: 7, openAlerts: 1,
    }]);
    expect(await pcs.get('PC-1')).toMatchObject({ agentId, openAlerts: 1 });
    expect(await pcs.get('PC-0')).toBeUndefined();
    const page = await pcs.historyPage('PC-1', { limit: 2 });
    expect(page.map((r) => r.seq)).toEqual([5, 4]);
    expect(page[0]!.bytes.equals(events[4]!.bytes)).toBe(true);
    expect((await pcs.historyPage('PC-1', { before: { timeMs: page[1]!.timeMs, id: page[1]!.id }, limit: 10 })).map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(await pcs.historyPage('PC-1', { kinds: ['inventory'], limit: 10 })).toEqual([]);
    expect((await pcs.historyPage('PC-1', { kinds: [events[0]!.kind], limit: 10 }))).toHaveLength(5);
    expect((await pcs.historyWindow('PC-1', events[1]!.timeMs, events[2]!.timeMs, 10)).map((r) => r.seq)).toEqual([2, 3]);
    expect(await pcs.latestInventory('PC-1')).toBeUndefined();
    expect((await pcs.currentUnlockKey('PC-1'))?.equals(Buffer.alloc(32, 8))).toBe(true);
    expect(await pcs.currentUnlockKey('PC-0')).toBeUndefined();
  });

  it('pcs: PCs with a device exception in force, and current agents silent since before a time', async () => {
    const { store, repos: { pcs } } = await start();
    await storeEvents(store, 1);
    const exception = { serial: null, mode: 'allow' as const, reason: '', createdBy: 'op', createdMs: 1, revokedMs: null };
    await store.createDeviceException({ ...exception, id: 'x1', pc: 'PC-1', untilMs: t0 + 1_000 });
    await store.createDeviceException({ ...exception, id: 'x2', pc: 'PC-2', untilMs: t0 - 1 });
    expect([...await pcs.withActiveExceptions(t0)]).toEqual(['PC-1']);
    expect(await pcs.notReporting(1_000)).toEqual([]);
    expect(await pcs.notReporting(5_000)).toEqual([{ agentId, pc: 'PC-1', lastSeenMs: null, enrolledMs: 1_000 }]);
    await store.setConnected(agentId, true, 6_000);
    expect(await pcs.notReporting(10_000)).toEqual([]);
  });

  it('operations: counts stored and not-yet-projected events, agents, backlog, pending mails and findings', async () => {
    const { store, repos: { operations, notify } } = await start();
    await operations.ping();
    expect(await operations.hasUnprojected()).toBe(false);
    await storeEvents(store, 3);
    await store.recordHeartbeat(agentId, { timeMs: 1, agentVersion: '', policyVersion: 0, currentUser: '', sensors: [], journalBacklog: 9 });
    await store.recordIntegrityFinding({ agentId, pc: 'PC-1', timeMs: 1, kind: 'sequence_gap', detail: '' });
    await notify.addToOutbox([{ mail: { recipient: 'a@example.jp', kind: 'immediate', subject: 's', body: 'b', messageId: '<m@x>', alertIds: [], createdMs: 1 } }]);
    expect(await operations.hasUnprojected()).toBe(true);
    const before = await operations.snapshot(1_700_000_600_000);
    expect(before).toEqual({
      eventsStored: 3, projectionLagEvents: 3, projectionLagMs: 100_000, agentsEnrolled: 1, agentsConnected: 0,
      journalBacklogSum: 9, journalBacklogMax: 9, agentsWithBacklog: 1, outboxPending: 1, integrityFindings: [{ kind: 'sequence_gap', count: 1 }],
    });
    expect((await store.projectPending(100)).events).toHaveLength(3);
    expect(await operations.hasUnprojected()).toBe(false);
    expect(await operations.snapshot(1_700_000_600_000)).toMatchObject({ eventsStored: 3, projectionLagEvents: 0, projectionLagMs: 0 });
  });
}
