import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { buildApp, loadCollectorConfig, type CollectorApp } from '@mamori/collector';
import { defaultPolicyDir, readPolicyDir } from '@mamori/policies';
import { enrollTestAgent, runTestAgent } from '../harness/agent.ts';
import { createEnrollmentToken } from '@mamori/collector';
import { initTestCollector, waitFor } from '../harness/collector.ts';
import { SmtpInbox, unusedPort } from '../harness/smtp-inbox.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const publicUrl = 'https://mamori.corp.example:8443';
const notifications = `
notifications:
  timezone: Asia/Tokyo
  rate_limit: { max: 50, per: 1h }
  groups:
    managers: { recipients: [boss@corp.example], min_severity: high, immediate: high, digest: none }
`;

interface Outbox { id: number; message_id: string; sent_ms: number | null; attempts: number; last_error: string }

/** A collector on free ports whose alert mail goes to `smtpPort`, with the managers group pointing at boss@. */
async function collectorWithSmtp(smtpPort: number): Promise<{ app: CollectorApp; grpcPort: number; token(): Promise<string> }> {
  const { dataDir } = await initTestCollector();
  const config = loadCollectorConfig(dataDir, {
    grpc: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1', publicUrl },
    smtp: { host: '127.0.0.1', port: smtpPort, from: 'mamori@corp.example' },
  });
  const app = await buildApp(config);
  const { grpcPort } = await app.listen();
  cleanups.push(() => app.close());
  await app.policy.publish(readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'notifications.yaml' ? { name: s.name, text: notifications } : s)), 'test');
  return {
    app, grpcPort,
    token: async () => (await createEnrollmentToken(app.store, { address: `localhost:${grpcPort}`, caFingerprint: app.tls.caFingerprint, ttlMs: 3_600_000, uses: 1, actor: 'test', now: Date.now() })).token,
  };
}

async function agentFor(token: string, hostname: string): Promise<RunningAgent> {
  const agent = await runTestAgent(await enrollTestAgent(token, { hostname }));
  cleanups.push(() => agent.stop());
  return agent;
}

// A Tuesday morning in Tokyo: working hours, so no off-hours raise whatever the wall clock says.
const workingTime = Date.parse('2026-03-03T10:00:00+09:00');
const upload = (user: string, fileName = '顧客リスト.xlsx') => ({ user, timeMs: workingTime, upload: { fileName, destinationHost: 'www.dropbox.com', category: 'personal_cloud', sizeBytes: 4096, method: 'input' } });

describe('alerts end to end: agent → collector → rule → alert → SMTP', () => {
  it('an upload to personal cloud on a PC becomes a red-orange alert and a short mail with its link', async () => {
    const inbox = new SmtpInbox();
    await inbox.start();
    cleanups.push(() => inbox.stop());
    const c = await collectorWithSmtp(inbox.port);
    const agent = await agentFor(await c.token(), 'PC-ACCT-07');
    agent.recorder.record(upload('tanaka'));
    await waitFor(() => inbox.mails.length > 0, 30_000, 'alert mail');
    const alerts = c.app.store.db.prepare("SELECT id, rule_id AS ruleId, severity, color, pc, user, count FROM alerts").all() as { id: number }[];
    expect(alerts).toEqual([{ id: alerts[0]!.id, ruleId: 'upload_personal_cloud', severity: 'high', color: '#f57c00', pc: 'PC-ACCT-07', user: 'tanaka', count: 1 }]);
    const [mail] = inbox.mails;
    expect(mail!.to).toEqual(['boss@corp.example']);
    expect(mail!.subject).toBe('[HIGH] PC-ACCT-07 tanaka: Upload to personal cloud storage');
    expect(mail!.text).toContain('Upload to personal cloud storage: 顧客リスト.xlsx → www.dropbox.com');
    expect(mail!.text).toContain(`Open: ${publicUrl}/alerts/${alerts[0]!.id}`);
    expect(mail!.text.trim().split('\n').length).toBeLessThanOrEqual(5);
    // The alert points at the agent's stored event.
    const linked = c.app.store.db.prepare('SELECT e.agent_id AS agentId, e.kind FROM alert_events ae JOIN events e ON e.id = ae.event_id').all();
    expect(linked).toEqual([{ agentId: agent.identity.agentId, kind: 'upload' }]);
    // Same Message-ID as the outbox row, marked sent once the server's final reply reached the collector (the
    // inbox may see the message a moment before that).
    const outboxRows = () => c.app.store.db.prepare('SELECT * FROM notify_outbox').all() as Outbox[];
    await waitFor(() => outboxRows()[0]?.sent_ms != null, 10_000, 'the outbox row marked sent');
    const outbox = outboxRows();
    expect(outbox).toHaveLength(1);
    expect(`<${mail!.messageId.replace(/^<|>$/g, '')}>`).toBe(outbox[0]!.message_id);
    expect(outbox[0]!.sent_ms).not.toBeNull();
  });

  it('SMTP down for a while, then refusing with 4xx, then up: every mail is delivered exactly once', async () => {
    const smtpPort = await unusedPort();
    const c = await collectorWithSmtp(smtpPort);
    const agent = await agentFor(await c.token(), 'PC-SALES-03');
    const users = ['tanaka', 'sato', 'suzuki', 'takahashi', 'ito', 'watanabe'];
    for (const user of users) agent.recorder.record(upload(user));
    const outbox = () => c.app.store.db.prepare('SELECT * FROM notify_outbox ORDER BY id').all() as Outbox[];
    // Alerts are stored and their mails wait in the outbox, tried and failed (connection refused).
    await waitFor(() => outbox().length === users.length && outbox().every((m) => m.attempts >= 1), 30_000, 'failed attempts');
    expect(outbox().every((m) => m.sent_ms === null && /ECONNREFUSED/.test(m.last_error))).toBe(true);
    // The server comes back but answers 451 for a while: still nothing counts as sent.
    const inbox = new SmtpInbox();
    inbox.mode = 'tempfail';
    await inbox.start(smtpPort);
    cleanups.push(() => inbox.stop());
    await waitFor(() => inbox.refused >= 1, 30_000, 'a refused attempt');
    expect(outbox().every((m) => m.sent_ms === null)).toBe(true);
    // More alerts arrive during the outage.
    agent.recorder.record(upload('kobayashi'));
    agent.recorder.record(upload('yamamoto'));
    inbox.mode = 'accept';
    await waitFor(() => inbox.mails.length >= users.length + 2 && outbox().every((m) => m.sent_ms !== null), 60_000, 'all mails delivered');
    // Give a duplicate the chance to show up: two more delivery rounds.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ids = inbox.mails.map((m) => `<${m.messageId.replace(/^<|>$/g, '')}>`);
    expect(ids).toHaveLength(users.length + 2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(outbox().map((m) => m.message_id)));
    expect(new Set(inbox.mails.map((m) => m.subject.split(' ')[2]!.replace(':', '')))).toEqual(new Set([...users, 'kobayashi', 'yamamoto']));
  });
});
