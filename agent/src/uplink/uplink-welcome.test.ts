import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeEvent, generateEd25519KeyPair, loadPrivateKey, type AgentMessage, type AgentServiceClient, type CollectorMessage__Output,
} from '@mamori/proto';
import { Journal } from '../core/journal.ts';
import { reconcileWithCollector } from '../core/journal-reset.ts';
import { Recorder } from '../core/recorder.ts';
import { Uplink } from './uplink.ts';

/** A stand-in for the gRPC stream: records what the uplink writes, lets the test speak as the collector. */
class FakeCall extends EventEmitter {
  readonly sent: AgentMessage[] = [];
  write(message: AgentMessage): boolean {
    this.sent.push(message);
    return true;
  }
  end(): void {}
  cancel(): void {}
  say(message: Partial<CollectorMessage__Output>): void {
    this.emit('data', message as CollectorMessage__Output);
  }
  batches() {
    return this.sent.filter((m) => m.batch).map((m) => m.batch!);
  }
}

function uplinkWithJournal() {
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'mamori-uplink-')), 'journal.db'), { maxBytes: 1e9 });
  const recorder = new Recorder(journal, { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'u' });
  const call = new FakeCall();
  const client = { Connect: () => call, close: () => undefined } as unknown as AgentServiceClient;
  const uplink = new Uplink({
    agentId: 'ag_1', privateKey: loadPrivateKey(generateEd25519KeyPair().privateKeyPem), client, journal, batchSize: 100,
    drainEventsPerSecond: 10_000, backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000, onPolicy: () => undefined,
    heartbeat: () => ({ sensors: [], policyVersion: 0, user: 'u' }), reconcile: (head) => reconcileWithCollector(journal, recorder, head, 'test'),
  });
  recorder.onRecorded(uplink.notify);
  const controller = new AbortController();
  uplink.start(controller.signal);
  return { journal, recorder, call, uplink, stop: () => controller.abort() };
}

const print = (name: string) => ({ printJob: { jobId: 1, documentName: name, printer: 'PDF', pages: 1, copies: 1, state: 'completed' } });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('uplink: Welcome and quarantine answers', () => {
  it('a Welcome past a fresh journal neither skips nor deletes its events: they go out after a JOURNAL_RESET anchored on the collector', async () => {
    const { journal, recorder, call, stop } = uplinkWithJournal();
    for (let i = 0; i < 3; i += 1) recorder.record(print(`new-${i}`));
    const collectorHash = Buffer.alloc(32, 9);
    call.say({ welcome: { lastSeq: 406, lastHash: collectorHash, serverTimeMs: Date.now(), collectorAddresses: [] } });
    await tick();
    const [batch] = call.batches();
    expect(batch!.firstSeq).toBe(407);
    expect(Buffer.from(batch!.prevHash as Uint8Array).equals(collectorHash)).toBe(true);
    const events = (batch!.events as Buffer[]).map((bytes) => decodeEvent(bytes));
    expect(events.map((e) => e.lifecycle?.kind ?? e.printJob?.documentName)).toEqual(['JOURNAL_RESET', 'new-0', 'new-1', 'new-2']);
    expect(journal.backlog().events).toBe(4); // still held until acknowledged
    call.say({ ack: { lastSeq: 410 } });
    expect(journal.backlog().events).toBe(0);
    stop();
  });

  it('a Welcome on its own chain acknowledges what the collector holds and sends the rest', async () => {
    const { journal, recorder, call, stop } = uplinkWithJournal();
    for (let i = 0; i < 5; i += 1) recorder.record(print(`doc-${i}`));
    call.say({ welcome: { lastSeq: 2, lastHash: journal.hashAt(2)!, serverTimeMs: Date.now(), collectorAddresses: [] } });
    await tick();
    expect(call.batches().map((b) => [b.firstSeq, (b.events as Buffer[]).length])).toEqual([[3, 3]]);
    expect(journal.backlog()).toMatchObject({ events: 3, firstSeq: 3 });
    stop();
  });

  it('drops a batch\'s rows only when the collector says it quarantined them, and goes on with the next ones', async () => {
    const { journal, recorder, call, uplink, stop } = uplinkWithJournal();
    call.say({ welcome: { lastSeq: 0, lastHash: Buffer.alloc(32), serverTimeMs: Date.now(), collectorAddresses: [] } });
    for (let i = 0; i < 3; i += 1) recorder.record(print(`bad-${i}`));
    await tick();
    const [bad] = call.batches();
    // a refusal without quarantine (not an integrity verdict) keeps the rows for a retry
    call.say({ rejected: { firstSeq: bad!.firstSeq as number, code: 'COLLECTOR_BATCH_TOO_LARGE', reason: '', quarantined: false, lastSeq: 3, resumeFromSeq: 0, anchorHash: Buffer.alloc(0), quarantineId: 0 } });
    expect(journal.backlog().events).toBe(3);
    call.say({ rejected: { firstSeq: 1, code: 'COLLECTOR_CHAIN_MISMATCH', reason: 'x', quarantined: true, lastSeq: 3, resumeFromSeq: 4, anchorHash: bad!.lastHash as Buffer, quarantineId: 7 } });
    expect(journal.backlog().events).toBe(0);
    expect(uplink.status().quarantined).toBe(1);
    recorder.record(print('later'));
    await tick();
    const next = call.batches().at(-1)!;
    expect(next.firstSeq).toBe(4);
    expect(decodeEvent((next.events as Buffer[])[0]!).printJob?.documentName).toBe('later');
    stop();
  });
});
