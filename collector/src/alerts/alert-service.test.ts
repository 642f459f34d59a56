import { afterEach, describe, expect, it } from 'vitest';
import { PolicyValidationError, defaultPolicyDir, readPolicyDir, type PolicySource } from '@mamori/policies';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import type { MailTransport, OutgoingMail } from '../notify/mail-transport.ts';
import { PolicyService } from '../policy-service.ts';
import { listAlerts } from '../store/sqlite/queries/alerts.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { alertFeed } from './alert-feed.ts';
import { AlertService } from './alert-service.ts';
import type { Alert } from './types.ts';

const t0 = Date.parse('2026-03-03T10:00:00+09:00'); // a Tuesday, working hours

class FakeTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { response: '250 OK' };
  }
  close() {}
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function setup() {
  const store = new SqliteStore(':memory:');
  const clock = { now: t0, elapsed: 0 };
  const now = () => clock.now;
  // The test's wall clock and monotonic clock move together unless a test moves only one of them.
  let lastWall = t0;
  const monotonic = () => {
    if (clock.now !== lastWall) { clock.elapsed += clock.now - lastWall; lastWall = clock.now; }
    return clock.elapsed;
  };
  const hub = new CollectorHub();
  const policy = new PolicyService(store, new SessionRegistry(), now);
  await policy.load();
  await store.createAgent({ id: 'agent-1', pc: 'PC-ACCT-07', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: t0, previousAgentId: null });
  const transport = new FakeTransport();
  const service = new AlertService({ db: store.db, store, hub, policy, transport, from: 'mamori@corp.example', now, monotonic, onError: (e) => { throw e; } });
  await service.start('https://mamori.corp.example');
  running.push(async () => { await service.stop(); await store.close(); });
  const feed: Alert[] = [];
  alertFeed(store.db).on('alert', (a) => feed.push(a));
  let seq = 0;
  /** Stores events as ingest does and tells the hub, like the gRPC stream handler. */
  const ingest = async (...drafts: Omit<Event, 'seq' | 'agentId' | 'pc' | 'timeMs'>[]) => {
    const events = drafts.map((draft) => ({ ...draft, seq: ++seq, agentId: 'agent-1', pc: 'PC-ACCT-07', timeMs: clock.now }));
    await store.appendBatch({
      agentId: 'agent-1', firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32), signature: Buffer.alloc(64),
      events: events.map((event) => {
        const bytes = encodeEvent(event);
        return { seq: event.seq, bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
      }),
    }, clock.now);
    hub.emit('events', (await store.projectPending(Number.MAX_SAFE_INTEGER)).events);
  };
  const publishWith = (name: string, text: string): Promise<number> => {
    const sources: PolicySource[] = readPolicyDir(defaultPolicyDir).map((s) => (s.name === name ? { name, text } : s));
    return policy.publish(sources, 'admin');
  };
  return { store, clock, hub, policy, service, transport, feed, ingest, publishWith };
}

const upload = (user = 'tanaka') => ({ user, upload: { fileName: '顧客リスト.xlsx', destinationHost: 'www.dropbox.com', category: 'personal_cloud', sizeBytes: 2048 } });
const print = (pages: number) => ({ user: 'tanaka', printJob: { documentName: 'report.pdf', printer: 'P1', pages } });

describe('AlertService', () => {
  it('turns stored events into alerts on the live feed, with the built-in rules of the shipped policy', async () => {
    const { store, ingest, feed } = await setup();
    await ingest(upload(), print(10), { user: 'tanaka', lifecycle: { kind: 'UNINSTALLED', detail: 'package removed' } },
      { user: '', device: { action: 'BLOCKED', device: { serial: 'S1', vendor: 'SanDisk', product: 'Cruzer' } } });
    const alerts = listAlerts(store.db, { limit: 10 });
    expect(alerts.map((a) => [a.ruleId, a.severity, a.color])).toEqual([
      ['device_blocked', 'low', '#1976d2'],
      ['agent_uninstalled', 'critical', '#d32f2f'],
      ['upload_personal_cloud', 'high', '#f57c00'],
    ]);
    expect(alerts[2]!.title).toBe('Upload to personal cloud storage: 顧客リスト.xlsx → www.dropbox.com');
    expect(feed.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
  });

  it('raises tamper findings as critical alerts, whatever the policy says', async () => {
    const { store, hub } = await setup();
    hub.emit('integrity', { agentId: 'agent-1', pc: 'PC-ACCT-07', timeMs: t0, kind: 'signature_invalid', detail: 'batch 10-20' });
    hub.emit('integrity', { agentId: 'agent-1', pc: 'PC-ACCT-07', timeMs: t0 + 1000, kind: 'sequence_gap', detail: 'seq 21-30 missing' });
    const [alert] = listAlerts(store.db, { limit: 10 });
    expect(alert).toMatchObject({ ruleId: 'tamper', kind: 'tamper', severity: 'critical', color: '#d32f2f', count: 2, title: 'Evidence tampering: sequence gap (seq 21-30 missing)' });
  });

  it('alerts once when an agent stays offline longer than the policy allows (fake clock)', async () => {
    const { store, hub, clock, service } = await setup();
    // At start the known agent counts as offline; it connects, then drops.
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: t0 });
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: false, timeMs: t0 + 60_000 });
    clock.now = t0 + 30 * 60_000;
    service.checkOffline();
    expect(listAlerts(store.db, { limit: 10 })).toEqual([]);
    clock.now = t0 + 31 * 60_000 + 1;
    service.checkOffline();
    service.checkOffline();
    expect(listAlerts(store.db, { limit: 10 })).toMatchObject([{ ruleId: 'agent_offline', severity: 'high', pc: 'PC-ACCT-07', title: 'Agent offline for 30 min', count: 1 }]);
    // Back online: no alert however long we wait.
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: clock.now });
    clock.now += 3_600_000;
    service.checkOffline();
    expect(listAlerts(store.db, { limit: 10 })).toHaveLength(1);
  });

  it('measures an outage on the monotonic clock: the server clock set forward 2 h raises no offline alert', async () => {
    const { store, hub, clock, service } = await setup();
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: t0 });
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: false, timeMs: t0 + 60_000 });
    clock.now = t0 + 2 * 60_000;
    service.checkOffline();
    // Someone sets the server's clock 2 h ahead: the wall clock moves, the monotonic one does not.
    const jumped = t0 + 2 * 60_000 + 2 * 3_600_000;
    clock.elapsed -= jumped - clock.now;
    clock.now = jumped;
    service.checkOffline();
    expect(listAlerts(store.db, { limit: 10 })).toEqual([]);
    // 30 real minutes later it is offline long enough.
    clock.now += 30 * 60_000;
    service.checkOffline();
    expect(listAlerts(store.db, { limit: 10 })).toMatchObject([{ ruleId: 'agent_offline', title: 'Agent offline for 31 min' }]);
  });

  it('refuses a bad policy with file/line/field and keeps the previous rules in force; a good one takes effect at once', async () => {
    const { policy, ingest, store, clock, publishWith } = await setup();
    const before = policy.version;
    const bad = [
      'alerts:',
      '  rules:',
      '    - id: large_print_job',
      '      name: Large print job',
      '      severity: urgent',
      '      match: { kind: print_job, fields: { pages: { gt: 10 } } }',
      '      threshold: { more_than: 5, window: ten minutes }',
    ].join('\n');
    const error = await publishWith('alerts.yaml', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyValidationError).problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'alerts.yaml', line: 5, field: 'alerts.rules.0.severity' }),
      expect.objectContaining({ file: 'alerts.yaml', line: 7, field: 'alerts.rules.0.threshold.window' }),
    ]));
    expect((error as Error).message).toMatch(/^alerts\.yaml:5:\d+: alerts\.rules\.0\.severity: /m);
    expect(policy.version).toBe(before);
    // Old rules still apply: 20 pages is not a large job (> 50), 60 is.
    await ingest(print(20));
    expect(listAlerts(store.db, { limit: 10 })).toEqual([]);
    await ingest(print(60));
    expect(listAlerts(store.db, { limit: 10 }).map((a) => a.ruleId)).toEqual(['large_print_job']);
    // A good version with a lower threshold applies to the next event.
    await publishWith('alerts.yaml', bad.replace('urgent', 'critical').replace('\n      threshold: { more_than: 5, window: ten minutes }', ''));
    clock.now += 2 * 3_600_000;
    await ingest(print(20));
    expect(listAlerts(store.db, { limit: 1 })).toMatchObject([{ ruleId: 'large_print_job', severity: 'critical' }]);
  });

  it('mails new alerts (not every folded occurrence) to the shipped managers group', async () => {
    const { ingest, service, transport, store } = await setup();
    await ingest(upload(), upload(), upload());
    await service.notifier.deliver();
    expect(listAlerts(store.db, { limit: 10 })).toMatchObject([{ count: 3 }]);
    expect(transport.sent.map((m) => [m.to, m.subject])).toEqual([['security-managers@example.co.jp', '[HIGH] PC-ACCT-07 tanaka: Upload to personal cloud storage']]);
  });
});
