import { appendFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingFileSink } from './file-sink.ts';

const line = (id: string) => Buffer.from(`${JSON.stringify({ event: { id }, message: 'x'.repeat(100) })}\n`);

describe('RotatingFileSink', () => {
  it('cuts a line torn by a kill mid-write and reports the last complete line as delivered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-file-sink-'));
    const path = join(dir, 'ecs.ndjson');
    const sink = new RotatingFileSink({ path, max_bytes: 1 << 20, keep: 3 });
    await sink.open();
    let delivered = 0;
    await sink.write(Buffer.concat([line('ag:1'), line('ag:2')]), () => { delivered += 1; });
    await sink.close();
    expect(delivered).toBe(1);
    appendFileSync(path, '{"event":{"id":"ag:3"'); // what a kill in the middle of a write leaves
    const reopened = new RotatingFileSink({ path, max_bytes: 1 << 20, keep: 3 });
    await reopened.open();
    expect(reopened.lastDelivered()).toBe('ag:2');
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    await reopened.close();
  });

  it('rotates before a write would pass max_bytes and keeps `keep` old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-file-sink-'));
    const path = join(dir, 'ecs.ndjson');
    const sink = new RotatingFileSink({ path, max_bytes: 4096, keep: 2 });
    await sink.open();
    for (let i = 1; i <= 200; i += 1) await sink.write(line(`ag:${i}`), () => undefined);
    expect(sink.lastDelivered()).toBe('ag:200');
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['ecs.ndjson', 'ecs.ndjson.1', 'ecs.ndjson.2']);
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).length).toBeLessThanOrEqual(4096);
    const newest = readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event: { id: string } }).event.id);
    expect(newest.at(-1)).toBe('ag:200');
  });
});
