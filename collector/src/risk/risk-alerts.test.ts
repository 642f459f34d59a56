import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { AlertService } from '../alerts/alert-service.ts';
import { CollectorHub } from '../hub.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RiskService } from './risk-service.ts';

const day = 86_400_000;
const start = Date.parse('2026-03-02T10:00:00+09:00');

function copy(seq: number, timeMs: number, sizeBytes: number, pc = 'PC-ENG-01'): Event {
  return {
    seq, timeMs, agentId: 'agent-1', pc, user: 'sato',
    fileCopy: { destinationPath: `/media/usb/f${seq}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes, device: { serial: 'SN1' }, operation: 'created' },
  };
}

describe('risk alerts', () => {
  it('raise one alert per person and day when the score crosses the threshold, folded across restarts, through the alert machinery', async () => {
    const store = new SqliteStore(':memory:');
    await store.createAgent({ id: 'agent-1', pc: 'PC-ENG-01', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    const policy = loadPolicyDir(defaultPolicyDir);
    const clock = { now: start + 20 * day };
    const hub = new CollectorHub();
    const alerts = new AlertService({
      repos: store.repos, store, hub, policy: { current: policy, onChange: () => () => undefined }, now: () => clock.now,
      transport: { send: async () => ({ response: '250' }), close() {} }, from: 'mamori@example.co.jp',
    });
    const repos = store.repos;
    const makeRisk = () => new RiskService({ repos, hub, policy: { current: policy, onChange: () => () => undefined }, now: () => clock.now, raiseAlerts: (c) => alerts.raise(c) });
    let risk = makeRisk();
    await risk.start();
    let seq = 0;
    const deliver = async (events: Event[]) => {
      await store.appendBatch({
        agentId: 'agent-1', firstSeq: Number(events[0]!.seq), lastSeq: Number(events.at(-1)!.seq), prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32), signature: Buffer.alloc(64),
        events: events.map((event) => {
          const bytes = encodeEvent(event);
          return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
        }),
      }, clock.now);
      hub.emit('events', (await store.projectPending(1_000)).events);
      await risk.persisted();
    };
    // Twenty working days of ~5 MB a day: normal for this person, no alert.
    const history: Event[] = [];
    for (let d = 0; d < 20; d += 1) history.push(copy(++seq, start + d * day, 5_000_000 + (d % 3) * 500_000));
    await deliver(history);
    expect(await store.repos.alerts.list({ kind: 'risk_score', limit: 10 })).toEqual([]);

    // Today: 2 GB to USB, in two batches; then the collector restarts and more arrives the same day.
    await deliver([copy(++seq, start + 20 * day, 1_000_000_000)]);
    await deliver([copy(++seq, start + 20 * day + 60_000, 1_000_000_000)]);
    await risk.stop();
    risk = makeRisk();
    await risk.start();
    await deliver([copy(++seq, start + 20 * day + 120_000, 1_000_000_000, 'PC-ENG-02')]);
    const raised = await store.repos.alerts.list({ kind: 'risk_score', limit: 10 });
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ user: 'sato', severity: 'high', ruleId: 'risk_score' });
    expect(raised[0]!.title).toMatch(/Risk score \d+/);

    // The next day is another alert.
    clock.now += day;
    await deliver([copy(++seq, start + 21 * day, 3_000_000_000)]);
    expect(await store.repos.alerts.list({ kind: 'risk_score', limit: 10 })).toHaveLength(2);
    await risk.stop();
    await alerts.stop();
    await store.close();
  });
});
