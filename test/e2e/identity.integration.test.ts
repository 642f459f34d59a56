import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyEvidence, type EvidenceDocument } from '@mamori/proto';
import type { RunningAgent } from '@mamori/agent';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { runCollectorCli } from '@mamori/collector';
import { startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collector(): Promise<TestCollector> {
  const c = await startTestCollector();
  cleanups.push(() => c.close());
  return c;
}

async function agentWith(stateDir: string, events: number): Promise<RunningAgent> {
  const a = await runTestAgent(stateDir);
  cleanups.push(() => a.stop());
  for (let i = 0; i < events; i += 1) a.recorder.record(sampleEvent(i));
  expect(await a.uplink.drained(15_000)).toBe(true);
  return a;
}

/** Signs in to the collector's HTTP API as the admin; returns a GET that carries the session. */
async function signIn(c: TestCollector): Promise<(path: string) => Promise<unknown>> {
  const response = await fetch(new URL('/api/session', c.httpUrl), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: c.adminPassword }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return async (path) => {
    const answer = await fetch(new URL(path, c.httpUrl), { headers: { cookie } });
    expect(answer.status).toBe(200);
    return answer.json();
  };
}

/** The `mamori-collector` command line, run in this process (a spawned one spends seconds loading TypeScript). */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const result = { status: 0, stdout: '', stderr: '' };
  result.status = await runCollectorCli(args, { out: (text) => { result.stdout += text; }, err: (text) => { result.stderr += text; } });
  return result;
}

describe('identity: the same PC name enrolled with a new hardware id', () => {
  it('is a high finding and alert; history, log search and export by the name cover both agents, each marked', async () => {
    const c = await collector();
    const pc = 'PC-ACCT-07';
    const original = await agentWith(await enrollTestAgent(await c.token(), { hostname: pc, hardwareId: 'hw-original' }), 5);
    const originalId = original.identity.agentId;
    const takeover = await agentWith(await enrollTestAgent(await c.token(), { hostname: pc, hardwareId: 'hw-other-machine' }), 7);
    const takeoverId = takeover.identity.agentId;

    const findings = await c.app.store.listIntegrityFindings(takeoverId);
    expect(findings.map((f) => f.kind)).toEqual(['hostname_takeover']);
    expect(findings[0]!.detail).toContain(originalId);
    expect(findings[0]!.detail).toContain('hw-other-machine');
    await waitFor(() => (c.app.store.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE rule_id = 'integrity.hostname_takeover'").get() as { n: number }).n > 0, 10_000, 'takeover alert');
    expect(c.app.store.db.prepare('SELECT pc, severity, agent_id AS agentId FROM alerts WHERE rule_id = ?').all('integrity.hostname_takeover'))
      .toEqual([{ pc, severity: 'high', agentId: takeoverId }]);

    // History and log search by the PC name: both agents' events, each marked with its agent.
    const get = await signIn(c);
    await waitFor(async () => ((await get(`/api/logs?pc=${pc}&limit=100`)) as { entries: unknown[] }).entries.length === 12, 10_000, 'log entries projected');
    const history = (await get(`/api/pcs/${pc}/history?limit=500&kinds=print_job`)) as { events: { agentId: string; timeMs: number; receivedMs: number }[] };
    const perAgent = (list: { agentId: string }[]) => Object.fromEntries([originalId, takeoverId].map((id) => [id, list.filter((e) => e.agentId === id).length]));
    expect(perAgent(history.events)).toEqual({ [originalId]: 5, [takeoverId]: 7 });
    expect(history.events.every((e) => e.receivedMs >= e.timeMs)).toBe(true);
    const logs = (await get(`/api/logs?pc=${pc}&limit=100`)) as { entries: { agentId: string }[] };
    expect(perAgent(logs.entries)).toEqual({ [originalId]: 5, [takeoverId]: 7 });

    // Export by the PC name: one document per agent, each verifiable on its own with its own key.
    const file = join(tempDir('export'), 'pc.json');
    const exported = await cli('-d', c.dataDir, 'export', '--agent', pc, '-o', file);
    expect(exported.status, exported.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { format: string; pc: string; agents: { id: string }[]; documents: EvidenceDocument[] };
    expect(bundle).toMatchObject({ format: 'mamori-evidence-bundle-v1', pc });
    expect(bundle.documents.map((d) => d.agent.id)).toEqual([originalId, takeoverId]);
    for (const doc of bundle.documents) {
      const verdict = verifyEvidence(doc);
      expect(verdict.problems).toEqual([]);
      expect(verdict.events).toBe(await c.app.store.countEvents(doc.agent.id));
    }
    const verified = await cli('verify', file);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`agent ${originalId}: OK`);
    expect(verified.stdout).toContain(`agent ${takeoverId}: OK`);

    // One agent's document edited: the verdict names that agent.
    const event = bundle.documents[0]!.events[2]!;
    const bytes = Buffer.from(event.bytes, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 1, bytes.length - 2);
    event.bytes = bytes.toString('base64');
    writeFileSync(file, JSON.stringify(bundle));
    const tampered = await cli('verify', file);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain(`FAIL agent ${originalId}: seq`);
    expect(tampered.stdout).toContain(`agent ${takeoverId}: OK`);
  });
});
