import { afterEach, describe, expect, it } from 'vitest';
import { PolicyValidationError, defaultPolicyDir, readPolicyDir, type PolicySource } from '@mamori/policies';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import type { MailTransport, OutgoingMail } from '../notify/mail-transport.ts';
import { PolicyService } from '../policy-service.ts';
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
  const service = new AlertService({ repos: store.repos, store, hub, policy, transport, from: 'mamori@corp.example', now, monotonic, onError: (e) => { throw e; } });
  await service.start('https://mamori.corp.example');
  running.push(async () => { await service.stop(); await store.close(); });
  const feed: Alert[] = [];
  alertFeed(store.repos).on('alert', (a) => feed.push(a));
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
    const alerts = (await store.repos.alerts.list({ limit: 10 }));
    expect(alerts.map((a) => [a.ruleId, a.severity, a.color])).toEqual([
      ['device_blocked', 'low', '#1976d2'],
      ['agent_uninstalled', 'critical', '#d32f2f'],
      ['upload_personal_cloud', 'high', '#f57c00'],
    ]);
    expect(alerts[2]!.title).toBe('Upload to personal cloud storage: 顧客リスト.xlsx → www.dropbox.com');
    expect(feed.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
  });

  describe('integrity findings', () => {
    const finding = (kind: string, timeMs: number, detail = `${kind} detail`, pc = 'PC-ACCT-07') => ({ agentId: 'agent-1', pc, timeMs, kind, detail });
    const integrityAlerts = async (store: SqliteStore) => (await store.repos.alerts.list({ limit: 100 })).filter((a) => a.ruleId.startsWith('integrity.'));

    it('raises each distinct finding kind of a PC as its own alert, with the severity the policy gives that kind', async () => {
      const { store, hub } = await setup();
      const kinds = ['signature_invalid', 'sequence_gap', 'chain_break', 'fork', 'out_of_order', 're_enrolled', 'seal_invalid'];
      kinds.forEach((kind, i) => hub.emit('integrity', finding(kind, t0 + i * 1000)));
      hub.emit('integrity', finding('chain_break', t0 + 9000, 'chain_break', 'PC-OTHER'));
      const alerts = (await integrityAlerts(store));
      expect(alerts.filter((a) => a.pc === 'PC-ACCT-07').map((a) => [a.kind, a.ruleId, a.severity, a.count]).reverse()).toEqual([
        ['signature_invalid', 'integrity.signature_invalid', 'critical', 1],
        ['sequence_gap', 'integrity.sequence_gap', 'critical', 1],
        ['chain_break', 'integrity.chain_break', 'critical', 1],
        ['fork', 'integrity.fork', 'critical', 1],
        ['out_of_order', 'integrity.out_of_order', 'medium', 1],
        ['re_enrolled', 'integrity.re_enrolled', 'high', 1],
        // A kind the shipped policy does not list yet takes its default severity: no code change needed.
        ['seal_invalid', 'integrity.seal_invalid', 'critical', 1],
      ]);
      expect(alerts.filter((a) => a.pc === 'PC-OTHER')).toHaveLength(1);
      expect(alerts.find((a) => a.kind === 'sequence_gap')).toMatchObject({ color: '#d32f2f', title: 'Sequence gap: sequence_gap detail', user: '' });
    });

    it('folds repeats of a kind into the new alert with a count, however far apart, without more mail', async () => {
      const { store, hub, service, transport } = await setup();
      for (let i = 0; i < 50; i += 1) hub.emit('integrity', finding('chain_break', t0 + i * 3_600_000, `break ${i}`));
      hub.emit('integrity', { ...finding('stream_auth_failed', t0, 'summary'), count: 120 });
      const alerts = (await integrityAlerts(store));
      // Newest first by event time: the chain breaks went on for 49 hours after the failed authentications.
      expect(alerts.map((a) => [a.kind, a.count, a.status])).toEqual([['chain_break', 50, 'new'], ['stream_auth_failed', 120, 'new']]);
      expect(alerts[0]).toMatchObject({ firstMs: t0, lastMs: t0 + 49 * 3_600_000, title: 'Chain break: break 49' });
      await service.notifier.deliver();
      const chainMails = transport.sent.filter((m) => m.subject.includes('chain break'));
      expect(chainMails.length).toBeGreaterThan(0);
      expect(new Set(chainMails.map((m) => m.to)).size).toBe(chainMails.length); // one per recipient, not one per finding
    });

    it('opens a new alert for a finding after the alert was acknowledged, and again after it was resolved', async () => {
      const { store, hub, clock } = await setup();
      hub.emit('integrity', finding('chain_break', t0));
      const [first] = (await integrityAlerts(store));
      expect((await store.repos.alerts.acknowledge(first!.id, 'admin', clock.now)).ok).toBe(true);
      hub.emit('integrity', finding('chain_break', t0 + 1000, 'after ack'));
      hub.emit('integrity', finding('chain_break', t0 + 2000, 'after ack, again'));
      const [second] = (await integrityAlerts(store));
      expect(second!.id).not.toBe(first!.id);
      expect(second).toMatchObject({ status: 'new', count: 2, title: 'Chain break: after ack, again' });
      expect((await store.repos.alerts.get(first!.id))).toMatchObject({ status: 'acknowledged', count: 1 });
      expect((await store.repos.alerts.resolve(second!.id, 'true_positive', 'admin', clock.now)).ok).toBe(true);
      hub.emit('integrity', finding('chain_break', t0 + 3000, 'after resolve'));
      expect((await integrityAlerts(store)).map((a) => [a.status, a.count, a.title])).toEqual([
        ['new', 1, 'Chain break: after resolve'], ['resolved', 2, 'Chain break: after ack, again'], ['acknowledged', 1, 'Chain break: chain_break detail'],
      ]);
    });

    it('takes severities and a colour per kind from a published policy', async () => {
      const { store, hub, publishWith } = await setup();
      const text = readPolicyDir(defaultPolicyDir).find((s) => s.name === 'alerts.yaml')!.text
        .replace('out_of_order: medium', 'out_of_order: low').replace('default_severity: critical', 'default_severity: high');
      await publishWith('alerts.yaml', text);
      hub.emit('integrity', finding('out_of_order', t0));
      hub.emit('integrity', finding('identity_claim', t0));
      expect((await integrityAlerts(store)).map((a) => [a.kind, a.severity, a.color])).toEqual([['identity_claim', 'high', '#f57c00'], ['out_of_order', 'low', '#1976d2']]);
    });
  });

  it('alerts once when an agent goes offline in working time and stays away longer than the policy allows (fake clock)', async () => {
    const { store, hub, clock, service } = await setup();
    // At start the known agent counts as offline; it connects, then drops.
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: t0 });
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: false, timeMs: t0 + 60_000 });
    clock.now = t0 + 30 * 60_000;
    await service.checkOffline();
    expect((await store.repos.alerts.list({ limit: 10 }))).toEqual([]);
    clock.now = t0 + 31 * 60_000 + 1;
    await service.checkOffline();
    await service.checkOffline();
    // The alert is the site's for the day (PC-ACCT-07 matches no site: the organisation's calendar), listing the PC.
    const [alert] = (await store.repos.alerts.list({ limit: 10 }));
    expect(alert).toMatchObject({ ruleId: 'agent_offline', severity: 'high', pc: '', title: '1 PC offline at site default (2026-03-03)', count: 1, firstMs: t0 + 60_000 });
    expect((await store.repos.alerts.offlinePcs(alert!.id))).toEqual([{ agentId: 'agent-1', pc: 'PC-ACCT-07', sinceMs: t0 + 60_000 }]);
    // Back online: no alert however long we wait.
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: clock.now });
    clock.now += 3_600_000;
    await service.checkOffline();
    expect((await store.repos.alerts.list({ limit: 10 }))).toHaveLength(1);
  });

  it('measures an outage on the monotonic clock: the server clock set forward 2 h raises no offline alert', async () => {
    const { store, hub, clock, service } = await setup();
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: true, timeMs: t0 });
    hub.emit('connection', { agentId: 'agent-1', pc: 'PC-ACCT-07', connected: false, timeMs: t0 + 60_000 });
    clock.now = t0 + 2 * 60_000;
    await service.checkOffline();
    // Someone sets the server's clock 2 h ahead: the wall clock moves, the monotonic one does not.
    const jumped = t0 + 2 * 60_000 + 2 * 3_600_000;
    clock.elapsed -= jumped - clock.now;
    clock.now = jumped;
    await service.checkOffline();
    expect((await store.repos.alerts.list({ limit: 10 }))).toEqual([]);
    // 30 real minutes later it is offline long enough.
    clock.now += 30 * 60_000;
    await service.checkOffline();
    expect((await store.repos.alerts.list({ limit: 10 }))).toMatchObject([{ ruleId: 'agent_offline', title: '1 PC offline at site default (2026-03-03)', count: 1 }]);
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
    expect((await store.repos.alerts.list({ limit: 10 }))).toEqual([]);
    await ingest(print(60));
    expect((await store.repos.alerts.list({ limit: 10 })).map((a) => a.ruleId)).toEqual(['large_print_job']);
    // A good version with a lower threshold applies to the next event.
    await publishWith('alerts.yaml', bad.replace('urgent', 'critical').replace('\n      threshold: { more_than: 5, window: ten minutes }', ''));
    clock.now += 2 * 3_600_000;
    await ingest(print(20));
    expect((await store.repos.alerts.list({ limit: 1 }))).toMatchObject([{ ruleId: 'large_print_job', severity: 'critical' }]);
  });

  it('mails new alerts (not every folded occurrence) to the shipped managers group', async () => {
    const { ingest, service, transport, store } = await setup();
    await ingest(upload(), upload(), upload());
    await service.notifier.deliver();
    expect((await store.repos.alerts.list({ limit: 10 }))).toMatchObject([{ count: 3 }]);
    expect(transport.sent.map((m) => [m.to, m.subject])).toEqual([['security-managers@example.co.jp', '[HIGH] PC-ACCT-07 tanaka: Upload to personal cloud storage']]);
  });
});
