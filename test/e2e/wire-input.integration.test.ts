import { connect as h2connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { encodeEnrollmentToken } from '@mamori/proto';
import { enroll } from '@mamori/agent';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { RawAgent, until } from '../harness/raw-agent.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c.close());

const eventCount = () => c.app.store.countEvents();

/** Sends raw bytes as a gRPC message body on the Connect method, bypassing protobuf encoding. */
async function sendRawFrame(payload: Buffer): Promise<number> {
  const session = h2connect(`https://localhost:${c.grpcPort}`, { ca: c.app.tls.caPem, servername: 'mamori-collector' });
  try {
    const stream = session.request({
      ':method': 'POST', ':path': '/mamori.v1.AgentService/Connect', 'content-type': 'application/grpc', te: 'trailers',
    });
    const header = Buffer.alloc(5);
    header.writeUInt32BE(payload.length, 1);
    stream.end(Buffer.concat([header, payload]));
    return await new Promise<number>((resolve) => {
      let status = -1;
      stream.on('response', (headers) => { if (headers['grpc-status'] !== undefined) status = Number(headers['grpc-status']); });
      stream.on('trailers', (trailers) => { status = Number(trailers['grpc-status']); });
      stream.on('data', () => undefined);
      stream.on('close', () => resolve(status));
    });
  } finally {
    session.close();
  }
}

describe('bad input on the wire', () => {
  it('answers garbage bytes with a gRPC error and stores nothing', async () => {
    const before = await eventCount();
    const status = await sendRawFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]));
    expect(status).toBeGreaterThan(0);
    expect(await eventCount()).toBe(before);
  });

  it('refuses an oversized message before decoding it', async () => {
    const before = await eventCount();
    const status = await sendRawFrame(Buffer.alloc(9 * 1024 * 1024, 0x0a));
    expect(status).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a batch with more events than the limit', async () => {
    const raw = new RawAgent(await enrollTestAgent(await c.token()));
    raw.hello();
    await raw.welcomed();
    const before = await eventCount();
    const result = await raw.send(raw.makeBatch(5_001));
    expect(String(result)).toMatch(/COLLECTOR_BATCH_TOO_LARGE/);
    expect(await eventCount()).toBe(before);
  });

  it('refuses messages out of protocol order', async () => {
    const raw = new RawAgent(await enrollTestAgent(await c.token()));
    const before = await eventCount();
    raw.call.write({ heartbeat: { agentVersion: 'x' } });
    await until(() => raw.error !== undefined);
    expect(raw.error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(raw.error?.metadata?.get('mamori-error-code')[0]).toBe('COLLECTOR_PROTOCOL_VIOLATION');
    expect(await eventCount()).toBe(before);
  });

  it('refuses an unknown agent and one that cannot prove its key', async () => {
    const stateDir = await enrollTestAgent(await c.token());
    const unknown = new RawAgent(stateDir, { agentId: 'ag_does_not_exist' });
    unknown.hello();
    await until(() => unknown.error !== undefined);
    expect(unknown.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    // claims a real agent id but signs the challenge with its own (different) key
    const other = await enrollTestAgent(await c.token());
    const realId = new RawAgent(stateDir).agentId;
    const impostor = new RawAgent(other, { agentId: realId });
    impostor.hello();
    await until(() => impostor.error !== undefined);
    expect(impostor.error?.metadata?.get('mamori-error-code')[0]).toBe('COLLECTOR_AUTH_FAILED');
  });
});

describe('enrollment errors say which', () => {
  const tryEnroll = (token: string) => enroll({ stateDir: tempDir('enroll'), token, hostname: 'PC-X', hardwareId: `hw-${Math.random()}` });

  it('expired, used-up, revoked, unknown and malformed tokens', async () => {
    const expired = await c.token(1, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(tryEnroll(expired)).rejects.toThrow(/token expired/);
    const once = await c.token(1);
    await tryEnroll(once);
    await expect(tryEnroll(once)).rejects.toThrow(/no uses left/);
    const revoked = await c.token(5);
    const [tokenRecord] = (await c.app.store.listTokens()).slice(-1);
    await c.app.store.revokeToken(tokenRecord!.id, Date.now());
    await expect(tryEnroll(revoked)).rejects.toThrow(/revoked/);
    const unknown = encodeEnrollmentToken({ address: `localhost:${c.grpcPort}`, caFingerprint: c.app.tls.caFingerprint, secret: 'x'.repeat(32) });
    await expect(tryEnroll(unknown)).rejects.toThrow(/token unknown/);
    await expect(tryEnroll('mamori1_bm90IGpzb24')).rejects.toThrow(/malformed/);
  });

  it('a collector whose certificate does not match the pinned CA', async () => {
    const token = encodeEnrollmentToken({ address: `localhost:${c.grpcPort}`, caFingerprint: 'ab'.repeat(32), secret: 'x'.repeat(32) });
    await expect(tryEnroll(token)).rejects.toThrow(/does not match the CA fingerprint/);
  });

  it('a collector that is not there', async () => {
    const token = encodeEnrollmentToken({ address: 'localhost:1', caFingerprint: 'ab'.repeat(32), secret: 'x'.repeat(32) });
    await expect(tryEnroll(token)).rejects.toThrow(/cannot be reached/);
  });
});
