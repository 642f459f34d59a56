import { expect, it } from 'vitest';
import type { NewOutboxMail } from '../repositories/notify.ts';
import type { RepositoriesUnderTest } from './subject.ts';

const agent = (id: string, pc: string, enrolledMs: number) => ({
  id, pc, hardwareId: `hw-${id}`, os: 'linux', publicKey: Buffer.alloc(32, 7), unlockKey: Buffer.alloc(32, 8), enrolledMs, previousAgentId: null,
});
const heartbeat = (timeMs: number, sensors: { name: string; state: string; detail: string }[]) => ({
  timeMs, agentVersion: '1.0.0', policyVersion: 1, currentUser: 'tanaka', sensors, journalBacklog: 0,
});
const mail = (n: number): NewOutboxMail => ({
  recipient: `r${n}@example.jp`, kind: 'immediate', subject: `s${n}`, body: 'b', messageId: `<m${n}@test>`, alertIds: [], createdMs: 1_000 + n,
});

/** Sensor health (heartbeats' sensors, tracked degradations) and settings (console-edited values, the outbox's state). */
export function sensorsSettingsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('sensor health: the current agents\' reported sensors per PC; retired agents are left out', async () => {
    const { store, repos: { sensorHealth } } = await start();
    await store.createAgent(agent('old-b', 'PC-B', 1));
    await store.recordHeartbeat('old-b', heartbeat(5, [{ name: 'usb', state: 'running', detail: '' }]));
    await store.retireAgent('old-b', 6);
    await store.createAgent(agent('new-b', 'PC-B', 7));
    await store.createAgent(agent('a', 'PC-A', 2));
    await store.recordHeartbeat('a', heartbeat(10, [{ name: 'usb', state: 'running', detail: '' }, { name: 'print', state: 'degraded', detail: 'no CUPS' }]));
    expect(await sensorHealth.currentSensors()).toEqual([
      { pc: 'PC-A', agentId: 'a', lastSeenMs: 10, sensors: [{ name: 'usb', state: 'running', detail: '' }, { name: 'print', state: 'degraded', detail: 'no CUPS' }] },
      { pc: 'PC-B', agentId: 'new-b', lastSeenMs: null, sensors: [] },
    ]);
    expect(await sensorHealth.sensorsOf('PC-B')).toEqual({ pc: 'PC-B', agentId: 'new-b', lastSeenMs: null, sensors: [] });
    expect(await sensorHealth.sensorsOf('PC-Z')).toBeUndefined();
  });

  it('sensor health: syncing degradations keeps since and alerted of tracked ones, updates their state, removes the named ones; seen by another collector', async () => {
    const subject = await start();
    const { sensorHealth } = subject.repos;
    await sensorHealth.syncDegradations([
      { pc: 'PC-B', sensor: 'usb', state: 'degraded', detail: 'no udev', sinceMs: 100 },
      { pc: 'PC-A', sensor: 'print', state: 'degraded', detail: 'no CUPS', sinceMs: 200 },
    ], []);
    await sensorHealth.markAlerted('PC-A', 'print', 300);
    await sensorHealth.syncDegradations([{ pc: 'PC-A', sensor: 'print', state: 'unsupported', detail: 'gone', sinceMs: 999 }], [{ pc: 'PC-B', sensor: 'usb' }]);
    const expected = [{ pc: 'PC-A', sensor: 'print', state: 'unsupported', detail: 'gone', sinceMs: 200, alertedMs: 300 }];
    expect(await sensorHealth.degradations()).toEqual(expected);
    const other = await subject.second();
    try {
      expect(await other.repos.sensorHealth.degradations()).toEqual(expected);
    } finally {
      await other.close();
    }
  });

  it('settings: put overwrites a key with who and when; values keep their JSON shape; listed by key', async () => {
    const { repos: { settings } } = await start();
    await settings.put('smtp', { host: 'mail.example.jp', port: 587, tls: true }, 'admin', 10);
    await settings.put('consoleUrl', 'https://old.example.jp', 'admin', 11);
    await settings.put('consoleUrl', 'https://mamori.example.jp', 'sato', 12);
    expect(await settings.all()).toEqual([
      { key: 'consoleUrl', value: 'https://mamori.example.jp', updatedMs: 12, updatedBy: 'sato' },
      { key: 'smtp', value: { host: 'mail.example.jp', port: 587, tls: true }, updatedMs: 10, updatedBy: 'admin' },
    ]);
  });

  it('settings: the outbox\'s state counts queued, failing, failed and sent in the last day, newest problems first', async () => {
    const { repos: { settings, notify } } = await start();
    const now = 100 * 86_400_000;
    expect(await settings.outboxState(now)).toEqual({ queued: 0, failing: 0, failed: 0, sentLastDay: 0, problems: [] });
    // The first stays queued, never tried.
    const [, failing, failed, sentToday, sentLongAgo] = await notify.addToOutbox([1, 2, 3, 4, 5].map((n) => ({ mail: mail(n) })));
    await notify.markRetry(failing!, now + 60_000, 'connection refused');
    await notify.markFailed(failed!, now - 5, '550 no such user');
    await notify.markSent(sentToday!, now - 1_000, '250 ok');
    await notify.markSent(sentLongAgo!, now - 2 * 86_400_000, '250 ok');
    expect(await settings.outboxState(now)).toEqual({
      queued: 1, failing: 1, failed: 1, sentLastDay: 1, problems: [
        { id: failed, recipient: 'r3@example.jp', subject: 's3', attempts: 1, lastError: '550 no such user', createdMs: 1_003, nextAttemptMs: 1_003, failedMs: now - 5 },
        { id: failing, recipient: 'r2@example.jp', subject: 's2', attempts: 1, lastError: 'connection refused', createdMs: 1_002, nextAttemptMs: now + 60_000, failedMs: null },
      ],
    });
  });
}
