import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent, type Event } from '@mamori/proto';
import type { StoredEvent } from '../store/types.ts';
import { SiemConfigSchema } from './config.ts';
import { InlineFormatter, SiemFormatPool } from './format-pool.ts';

const pools: SiemFormatPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function storedEvents(count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const event: Event = {
      seq: i + 1, timeMs: Date.UTC(2026, 10, 2) + i * 1_000, agentId: 'agent-1', pc: 'PC-経理-07', user: 'tanaka',
      ...(i % 2
        ? { device: { action: 'BLOCKED', device: { vendorId: '0781', productId: '5583', serial: `SN${i}` } } }
        : { printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'P', pages: 3, copies: 1, state: 'completed' } }),
    };
    return {
      id: 100 + i, agentId: 'agent-1', seq: i + 1, pc: event.pc!, timeMs: event.timeMs as number, receivedMs: Date.UTC(2026, 10, 3),
      kind: i % 2 ? 'device' : 'print_job', user: 'tanaka', hash: Buffer.alloc(32, i % 256), bytes: encodeEvent(event),
    };
  });
}

describe('SiemFormatPool', () => {
  it('formats on worker threads exactly what the caller\'s thread would, page by page, with the same cursor positions', async () => {
    const siem = SiemConfigSchema.parse({
      sinks: [
        { name: 'syslog', format: 'syslog', socket: { host: '127.0.0.1', port: 514 } },
        { name: 'blocked-only', format: 'ecs_json', file: { path: '/tmp/x.ndjson' }, min_severity: 'medium' },
      ],
    });
    const pool = new SiemFormatPool(siem, { threads: 2, onWarning: (message) => { throw new Error(message); } });
    pools.push(pool);
    await pool.ready(); // until its threads have loaded, a pool formats on the caller's thread
    expect(pool.threads).toBe(2);
    const inline = new InlineFormatter(siem);
    const rows = storedEvents(900);
    const pages = [rows.slice(0, 400), rows.slice(400, 800), rows.slice(800)];
    for (const sink of ['syslog', 'blocked-only']) {
      // All pages in flight at once, answered by two threads; awaited in order.
      const results = await Promise.all(pages.map((page) => pool.format(page, sink)));
      for (const [index, page] of pages.entries()) {
        const expected = await inline.format(page, sink);
        const chunks = results[index]!;
        expect(chunks.map((c) => ({ throughId: c.throughId, count: c.count, text: Buffer.from(c.bytes).toString('utf8') })))
          .toEqual(expected.map((c) => ({ throughId: c.throughId, count: c.count, text: Buffer.from(c.bytes).toString('utf8') })));
        expect(chunks.at(-1)!.throughId).toBe(page.at(-1)!.id);
      }
    }
    // The severity filter left out the print jobs, yet the cursor still passes them.
    const blocked = await pool.format(pages[0]!, 'blocked-only');
    expect(blocked.reduce((n, c) => n + c.count, 0)).toBe(200);
  });
});
