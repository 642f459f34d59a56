import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { storeEvents } from '../store/sqlite/test-support.ts';
import { SiemConfigSchema } from './config.ts';
import { SinkExporter } from './exporter.ts';
import { SiemFormatPool } from './format-pool.ts';
import { SocketSink } from './socket-sink.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const events = (from: number, count: number): Event[] => Array.from({ length: count }, (_, i) => ({
  seq: from + i, timeMs: Date.UTC(2026, 10, 2) + i, agentId: 'agent-1', pc: 'PC-1', user: 'tanaka',
  // A long document name makes each syslog message ~1 KB, so a few thousand fill the kernel's socket buffers.
  printJob: { jobId: from + i, documentName: `${'見積書'.repeat(120)}-${from + i}.pdf`, printer: 'P', pages: 1, copies: 1, state: 'completed' },
}));

/** A syslog receiver that can stop reading (a slow SIEM) and counts the octet-counted frames it got. */
async function receiver() {
  let buffered = Buffer.alloc(0);
  const ids: string[] = [];
  let socket: net.Socket | undefined;
  let paused = true;
  const server = net.createServer((s) => {
    socket = s;
    if (paused) s.pause();
    s.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const space = buffered.indexOf(0x20);
        if (space < 0) break;
        const length = Number(buffered.subarray(0, space).toString());
        if (buffered.length < space + 1 + length) break;
        const message = buffered.subarray(space + 1, space + 1 + length).toString();
        ids.push(/event_id="([^"]+)"/.exec(message)![1]!);
        buffered = buffered.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => { socket?.destroy(); return new Promise((resolve) => server.close(resolve)); });
  return { port: (server.address() as net.AddressInfo).port, ids, resume: () => { paused = false; socket?.resume(); } };
}

describe('SinkExporter with a slow receiver', () => {
  it('waits for a receiver that stops reading (the cursor stops short of the end) and then delivers each event once', async () => {
    const store = new SqliteStore(':memory:');
    cleanups.push(() => store.close());
    const total = 20_000;
    for (let first = 1; first <= total; first += 1_000) await storeEvents(store, 'agent-1', events(first, 1_000));
    const rsyslog = await receiver();
    const siem = SiemConfigSchema.parse({ sinks: [{ name: 'slow', format: 'syslog', socket: { host: '127.0.0.1', port: rsyslog.port } }] });
    const queries = store.repos.siem;
    const exporter = new SinkExporter({ config: siem.sinks[0]!, siem, queries, sink: new SocketSink(siem.sinks[0]!.socket!) });
    exporter.start();
    cleanups.push(() => exporter.stop());

    // The receiver reads nothing: the kernel's buffers fill and the export stops well short of the end.
    let last = -1;
    for (let stable = 0; stable < 5;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const cursor = exporter.status.cursor;
      stable = cursor === last ? stable + 1 : 0;
      last = cursor;
    }
    expect(exporter.status.cursor).toBeLessThan(total / 2);
    expect((await queries.cursor('slow'))!.position).toBe(exporter.status.cursor);

    rsyslog.resume();
    const deadline = Date.now() + 30_000;
    while (rsyslog.ids.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rsyslog.ids.length).toBe(total);
    expect(new Set(rsyslog.ids).size).toBe(total);
    expect(exporter.status).toMatchObject({ cursor: total, exported: total, connected: true });
  }, 60_000);

  it('with pages read ahead and formatted on a worker thread, a stop mid-export and a new exporter deliver each event once, in order', async () => {
    const store = new SqliteStore(':memory:');
    cleanups.push(() => store.close());
    const total = 5_000;
    for (let first = 1; first <= total; first += 1_000) await storeEvents(store, 'agent-1', events(first, 1_000));
    const rsyslog = await receiver();
    rsyslog.resume();
    const siem = SiemConfigSchema.parse({ sinks: [{ name: 'pooled', format: 'syslog', socket: { host: '127.0.0.1', port: rsyslog.port } }] });
    const queries = store.repos.siem;
    const run = (formatter: SiemFormatPool) => new SinkExporter({ config: siem.sinks[0]!, siem, queries, sink: new SocketSink(siem.sinks[0]!.socket!), formatter });

    const firstPool = new SiemFormatPool(siem, { threads: 1 });
    cleanups.push(() => firstPool.close());
    await firstPool.ready();
    expect(firstPool.threads).toBe(1);
    const first = run(firstPool);
    first.start();
    while (rsyslog.ids.length < 1_000) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.stop(); // pages read ahead and not delivered are dropped: the cursor is where delivery stopped
    const stoppedAt = (await queries.cursor('pooled'))!.position;
    expect(stoppedAt).toBeLessThan(total);

    const secondPool = new SiemFormatPool(siem, { threads: 1 });
    cleanups.push(() => secondPool.close());
    await secondPool.ready();
    const second = run(secondPool);
    second.start();
    cleanups.push(() => second.stop());
    const deadline = Date.now() + 30_000;
    while (rsyslog.ids.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rsyslog.ids).toEqual(Array.from({ length: total }, (_, i) => `agent-1:${i + 1}`));
    expect(second.status).toMatchObject({ cursor: total, exported: total });
  }, 60_000);
});
