import { EventEmitter } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentMessage, AgentServiceClient } from '@mamori/proto';
import { reconcileWithCollector } from '../core/journal-reset.ts';
import { Journal } from '../core/journal.ts';
import { Recorder } from '../core/recorder.ts';
import { Uplink } from './uplink.ts';

/** A collector stand-in on the other end of the stream: welcomes at once, acknowledges every batch. */
function fakeCollector() {
  const received: number[] = [];
  const hellos: AgentMessage['hello'][] = [];
  const client = {
    Connect() {
      const call = new EventEmitter() as EventEmitter & Record<string, unknown>;
      call.write = (message: AgentMessage) => {
        if (message.hello) {
          hellos.push(message.hello);
          setImmediate(() => call.emit('data', { welcome: { lastSeq: 0, lastHash: Buffer.alloc(32), serverTimeMs: 1_800_000_000_000 } }));
        }
        if (message.batch) {
          const first = Number(message.batch.firstSeq);
          const events = message.batch.events ?? [];
          for (let i = 0; i < events.length; i += 1) received.push(first + i);
          setImmediate(() => call.emit('data', { ack: { lastSeq: first + events.length - 1 } }));
        }
        return true;
      };
      call.end = () => undefined;
      call.cancel = () => undefined;
      return call;
    },
    close: () => undefined,
  } as unknown as AgentServiceClient;
  return { client, received, hellos };
}

function uplinkWith(client: AgentServiceClient, extra: Partial<ConstructorParameters<typeof Uplink>[0]> = {}) {
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'mamori-uplink-')), 'j.db'), { maxBytes: 1e9 });
  const recorder = new Recorder(journal, { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'suzuki' });
  const uplink = new Uplink({
    agentId: 'ag_1', privateKey: generateKeyPairSync('ed25519').privateKey, client, journal, batchSize: 50,
    drainEventsPerSecond: 2_000, backoffInitialMs: 10, backoffMaxMs: 100, heartbeatMs: 60_000,
    onPolicy: () => undefined, heartbeat: () => ({ sensors: [], policyVersion: 0, user: '' }),
    reconcile: (head) => reconcileWithCollector(journal, recorder, head, 'test'), ...extra,
  });
  recorder.onRecorded(uplink.notify);
  return { journal, recorder, uplink };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('uplink drain rate', () => {
  it('keeps draining at its rate after the wall clock is set back 2 hours', async () => {
    const collector = fakeCollector();
    const { journal, recorder, uplink } = uplinkWith(collector.client);
    const controller = new AbortController();
    uplink.start(controller.signal);
    for (let i = 0; i < 100; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: String(i) } });
    expect(await uplink.drained(5_000)).toBe(true);

    // The token bucket refilled from Date.now(): a clock 2 h earlier made the elapsed time negative and the
    // bucket 14.4 million tokens short, so nothing was sent for 2 hours.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 2 * 3_600_000);
    for (let i = 0; i < 3_000; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: `after ${i}` } });
    expect(await uplink.drained(5_000)).toBe(true);
    expect(collector.received).toEqual(Array.from({ length: journal.lastSeq }, (_, i) => i + 1));
    controller.abort();
  });

  it('meters the drain on the injected monotonic clock, not on the wall clock', async () => {
    const collector = fakeCollector();
    let monotonic = 0;
    const { recorder, uplink } = uplinkWith(collector.client, { monotonic: () => monotonic, drainEventsPerSecond: 100 });
    const controller = new AbortController();
    uplink.start(controller.signal);
    for (let i = 0; i < 300; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: String(i) } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Only the initial bucket (100) went out: the monotonic clock has not moved, whatever the wall clock did.
    expect(collector.received.length).toBe(100);
    // One second on the monotonic clock refills one second's worth (the bucket holds at most that much).
    monotonic += 1_000;
    await vi.waitFor(() => expect(collector.received.length).toBe(200));
    monotonic += 5_000;
    expect(await uplink.drained(3_000)).toBe(true);
    expect(collector.received.length).toBe(300);
    controller.abort();
  });

  it('tells the collector its wall time in the hello and hands on the collector time from the welcome', async () => {
    const collector = fakeCollector();
    const serverTimes: number[] = [];
    const { uplink } = uplinkWith(collector.client, { onServerTime: (ms) => serverTimes.push(ms) });
    const controller = new AbortController();
    const before = Date.now();
    uplink.start(controller.signal);
    await vi.waitFor(() => expect(serverTimes).toEqual([1_800_000_000_000]));
    expect(Number(collector.hellos[0]?.agentTimeMs)).toBeGreaterThanOrEqual(before);
    controller.abort();
  });
});
