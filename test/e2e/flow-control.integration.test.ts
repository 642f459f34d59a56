import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_RECEIVE_WINDOW_BYTES } from '../../collector/src/ingest/flow-control.ts';
import { startTestCollector, type TestCollector } from '../harness/collector.ts';

// An agent keeps several ~65 KB batches in flight on one stream; HTTP/2's default 64 KB receive window made each
// one wait a round trip for a WINDOW_UPDATE. This checks what the collector actually advertises to a client.
describe('agent connections: HTTP/2 receive windows', () => {
  let collector: TestCollector;
  let session: ClientHttp2Session;
  beforeAll(async () => {
    collector = await startTestCollector();
    const ca = readFileSync(join(collector.dataDir, 'ca.crt'), 'utf8');
    session = connect(`https://localhost:${collector.grpcPort}`, { ca });
    // The server's first SETTINGS frame carries the defaults; the widened window follows in a second one.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 2_000);
      session.on('remoteSettings', (settings) => {
        if (settings.initialWindowSize !== 65_535) {
          clearTimeout(timer);
          resolve();
        }
      });
      session.once('error', reject);
    });
  });
  afterAll(async () => {
    session?.close();
    await collector?.close();
  });

  it('advertises a stream window that holds several batches, and opens the connection window to match', async () => {
    expect(AGENT_RECEIVE_WINDOW_BYTES).toBeGreaterThanOrEqual(8 * 65_536);
    expect(session.remoteSettings.initialWindowSize).toBe(AGENT_RECEIVE_WINDOW_BYTES);
    // The connection-level window arrives as a WINDOW_UPDATE right after the settings.
    for (let i = 0; i < 50 && (session.state.remoteWindowSize ?? 0) < AGENT_RECEIVE_WINDOW_BYTES; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(session.state.remoteWindowSize).toBe(AGENT_RECEIVE_WINDOW_BYTES);
  });
});
