import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { startTestCollector, type TestCollector } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const havePromtool = ensureDebianPackages(['prometheus'], ['promtool']);

let c: TestCollector;
let agent: RunningAgent;

beforeAll(async () => {
  c = await startTestCollector();
  agent = await runTestAgent(await enrollTestAgent(await c.token()));
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await c?.close().catch(() => undefined); // the last test closed its database on purpose
});

/** `name{labels} value` lines of the exposition → value by series. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) (\S+)$/i.exec(line);
    if (match) out.set(match[1]!, Number(match[2]));
  }
  return out;
}

// Under CI=true ensureDebianPackages installs prometheus or throws, so this never skips there.
describe.skipIf(!havePromtool && process.env.CI !== 'true')('operations endpoints', () => {
  it('/metrics reports ingest, projection lag, agents, heartbeat backlogs, outbox and findings, and passes promtool check metrics', async () => {
    for (let i = 0; i < 250; i += 1) agent.recorder.record(sampleEvent(i));
    expect(await agent.uplink.drained(30_000)).toBe(true);
    await c.app.projector.idle();
    const agentId = agent.identity.agentId;
    // What the store holds from other paths: a heartbeat with a backlog, an integrity finding, a mail waiting for SMTP.
    await c.app.store.recordHeartbeat(agentId, { timeMs: Date.now(), agentVersion: 't', policyVersion: 1, currentUser: 'u', sensors: [], journalBacklog: 42 });
    await c.app.store.recordIntegrityFinding({ agentId, pc: 'PC', timeMs: Date.now(), kind: 'sequence_gap', detail: 'test' });
    c.app.store.db.prepare(`INSERT INTO notify_outbox (recipient, kind, subject, body, message_id, created_ms, next_attempt_ms)
      VALUES ('m@x', 'immediate', 's', 'b', '<o1@x>', 0, 0)`).run();

    const res = await fetch(new URL('/metrics', c.httpUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    expect(check.status).toBe(0);

    const values = series(text);
    const stored = (c.app.store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    expect(values.get('mamori_events_stored_total')).toBe(stored);
    expect(values.get('mamori_projection_lag_events')).toBe(0);
    expect(values.get('mamori_agents_connected')).toBe(1);
    expect(values.get('mamori_agents_connected_here')).toBe(1);
    expect(values.get('mamori_journal_backlog_events')).toBe(42);
    expect(values.get('mamori_agents_with_backlog')).toBe(1);
    expect(values.get('mamori_notify_outbox_pending')).toBe(1);
    expect(values.get('mamori_integrity_findings_total{kind="sequence_gap"}')).toBe(1);
    expect(values.has('mamori_collector_process_resident_memory_bytes')).toBe(true);
  }, 60_000);

  it('/health answers 200 for load balancers without a session, and 503 once the database is gone', async () => {
    const ok = await fetch(new URL('/health', c.httpUrl));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok' });
    // A collector whose database is gone must be taken out of rotation.
    c.app.store.db.close();
    const down = await fetch(new URL('/health', c.httpUrl));
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable' });
  });
});
