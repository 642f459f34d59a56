import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAgent } from '@mamori/agent';
import { SqliteStore } from '@mamori/collector';
import { join } from 'node:path';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { killHard, spawnCollector, startTestCollector, tempDir, waitFor } from '../harness/collector.ts';
import { ensureRsyslog, startRsyslogTlsReceiver } from '../harness/rsyslog.ts';
import { writeSiemConfig } from '../harness/siem-config.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const haveRsyslog = ensureRsyslog();

/** "<PRI>1 TIME HOST mamori - MSGID [mamori@32473 event_id="agent:seq" …] \uFEFFlog line" → its parts. */
function parseReceived(line: string): { pri: number; msgId: string; eventId: string; params: Record<string, string>; message: string } {
  const match = /^<(\d+)>1 \S+ \S+ mamori - (\S+) \[mamori@32473((?: [a-z_]+="(?:[^"\\]|\\.)*")+)\] \uFEFF(.*)$/.exec(line);
  if (!match) throw new Error(`not an RFC 5424 message from the collector: ${line.slice(0, 200)}`);
  const params = Object.fromEntries([...match[3]!.matchAll(/ ([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')]));
  return { pri: Number(match[1]), msgId: match[2]!, eventId: params.event_id!, params, message: match[4]! };
}

describe.skipIf(!haveRsyslog)('SIEM export to rsyslog over TLS (RFC 5424, octet-counted)', () => {
  it('delivers every stored event exactly once across a collector SIGKILL in the middle of the export', async () => {
    const receiverDir = tempDir('rsyslog');
    const rsyslog = await startRsyslogTlsReceiver(receiverDir);
    cleanups.push(() => rsyslog.stop());

    // Enroll an agent with an in-process collector, then run the collector as a child process so it can be killed.
    const c = await startTestCollector();
    const stateDir = await enrollTestAgent(await c.token());
    const { dataDir, grpcPort } = c;
    await c.close();
    writeSiemConfig(dataDir, {
      sinks: [{ name: 'soc', format: 'syslog', facility: 'local0', socket: { host: 'localhost', port: rsyslog.port, tls: { ca_file: rsyslog.caFile } } }],
    });
    let child = await spawnCollector(dataDir, grpcPort);
    cleanups.push(() => killHard(child));
    let agent: RunningAgent = await runTestAgent(stateDir);
    cleanups.push(() => agent.stop());

    const total = 2_000;
    let killed = false;
    for (let i = 0; i < total; i += 1) {
      agent.recorder.record(sampleEvent(i));
      if (i % 100 !== 0) continue;
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Kill while events are both arriving and being exported.
      if (!killed && rsyslog.messages().length > 500) {
        await killHard(child);
        killed = true;
      }
    }
    expect(killed).toBe(true);
    expect(rsyslog.messages().length).toBeLessThan(total);
    child = await spawnCollector(dataDir, grpcPort);
    // A fresh agent process-equivalent (same journal) dials at once instead of waiting out gRPC's reconnect backoff.
    await agent.stop();
    agent = await runTestAgent(stateDir);
    expect(await agent.uplink.drained(60_000)).toBe(true);

    const store = new SqliteStore(join(dataDir, 'collector.db'));
    cleanups.push(() => store.close());
    const stored = (store.db.prepare('SELECT agent_id AS agentId, seq FROM events ORDER BY id').all() as { agentId: string; seq: number }[])
      .map((e) => `${e.agentId}:${e.seq}`);
    expect(stored.length).toBeGreaterThanOrEqual(total);
    await waitFor(() => rsyslog.messages().length >= stored.length, 60_000, 'rsyslog to receive every stored event');
    await new Promise((resolve) => setTimeout(resolve, 700)); // anything extra (a repeat) would arrive now
    await killHard(child);

    const received = rsyslog.messages().map(parseReceived);
    const counts = new Map<string, number>();
    for (const r of received) counts.set(r.eventId, (counts.get(r.eventId) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    expect([...counts.keys()].sort()).toEqual([...stored].sort());
    // The frames were split where they end: each message is whole, its evidence coordinates in structured data.
    for (const r of received) expect(r.eventId).toBe(`${r.params.agent}:${r.params.seq}`);
    const printJobs = received.filter((r) => r.msgId === 'print_job');
    // Multi-byte text survives: the log line names the (Japanese) document.
    for (const r of printJobs) expect(r.message).toMatch(/^completed · 見積書-\d+\.pdf · PDF · \d pages$/);
    expect(printJobs.length).toBe(total);
    expect(new Set(printJobs.map((r) => r.pri))).toEqual(new Set([16 * 8 + 6])); // local0.info
  }, 120_000);
});
