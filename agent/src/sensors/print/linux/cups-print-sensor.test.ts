import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PrintStateStore } from '../common/print-state.ts';
import { CupsPrintSensor } from './cups-print-sensor.ts';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mamori-cups-unit-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cups = (socketPath: string) => ({ socketPath, idlePollMs: 1000, activePollMs: 50, requestTimeoutMs: 200, retryMs: 50 });

describe('CupsPrintSensor without a working cupsd', () => {
  it('is degraded and keeps retrying when the socket does not exist', async () => {
    const d = dir();
    const sensor = new CupsPrintSensor({ cups: cups(join(d, 'missing.sock')), state: new PrintStateStore(join(d, 's.json')), policy: () => undefined });
    const abort = new AbortController();
    const status = await sensor.start(() => 0, abort.signal);
    expect(status.state).toBe('degraded');
    expect(status.detail).toMatch(/ENOENT.*retrying every 50 ms/);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sensor.status().state).toBe('degraded');
    abort.abort();
  });

  it('is degraded when cupsd hangs or answers garbage', async () => {
    const d = dir();
    const socketPath = join(d, 'bad.sock');
    let calls = 0;
    const server = createServer((socket) => {
      calls++;
      // First connection hangs; later ones answer HTTP 200 with bytes that are not IPP.
      if (calls > 1) socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: 3\r\n\r\n\u0001\u0002\u0003');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const sensor = new CupsPrintSensor({ cups: cups(socketPath), state: new PrintStateStore(join(d, 's.json')), policy: () => undefined });
    const abort = new AbortController();
    const status = await sensor.start(() => 0, abort.signal);
    expect(status).toMatchObject({ state: 'degraded' });
    expect(status.detail).toMatch(/no answer within 200 ms/);
    // Later rounds get the garbage answer: still degraded, still polling, no exception escapes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toBeGreaterThan(1);
    expect(sensor.status().state).toBe('degraded');
    abort.abort();
    server.close();
  });
});
