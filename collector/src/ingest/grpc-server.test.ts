import { getChannelzHandlers } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createGrpcServer, type GrpcServerDeps } from './grpc-server.ts';

/** The servers grpc-js's channelz registry holds (a server with channelz off is never put in it). */
function channelzServerIds(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const call = { request: { start_server_id: '0', max_results: '1000' } };
    getChannelzHandlers().GetServers(call as never, ((error: Error | null, value?: { server: { ref: { server_id: string } }[] }) => {
      if (error || !value) reject(error ?? new Error('no answer'));
      else resolve(value.server.map((s) => s.ref.server_id));
    }) as never);
  });
}

describe('agent-facing gRPC server', () => {
  it('keeps no channelz records (per-connection memory nothing reads)', async () => {
    const before = await channelzServerIds();
    // Handlers are only reached by calls; none are made here, so deps are never touched.
    const { server } = createGrpcServer({ collectorName: 'test', tls: { caPem: '', certPem: '', keyPem: '' } } as unknown as GrpcServerDeps);
    expect(await channelzServerIds()).toEqual(before);
    server.forceShutdown();
  });
});
