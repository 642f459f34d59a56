import * as grpc from '@grpc/grpc-js';
import type { AgentServiceHandlers } from '@mamori/proto';
import { loadAgentServiceProto, maxMessageBytes } from '@mamori/proto/grpc';
import { CollectorError } from '../errors.ts';
import { handleAgentStream, type StreamDeps } from './agent-stream.ts';
import { enrollAgent } from './enroll.ts';
import { wireBatchDeserializer } from './wire-batch.ts';

export interface GrpcServerDeps extends StreamDeps {
  collectorName: string;
  tls: { caPem: string; certPem: string; keyPem: string };
}

/** The agent-facing gRPC server (TLS always; the chain includes the CA so agents can check their pin). */
export function createGrpcServer(deps: GrpcServerDeps): { server: grpc.Server; credentials: grpc.ServerCredentials } {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
    // Agents ping every 30 s to keep NAT/firewall state; accept that instead of answering "too many pings".
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    // channelz is gRPC's introspection service; the collector never serves it, yet with it on grpc-js registers
    // every connection in a global registry with its own trace, call counters and timestamps — per-agent memory
    // that nothing reads (bench:connections). Turning it off changes nothing on the wire.
    'grpc.enable_channelz': 0,
  });
  const handlers: AgentServiceHandlers = {
    Enroll: (call, callback) => {
      enrollAgent(call.request, { ...deps, policy: deps.policy, now: deps.now }).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const known = error instanceof CollectorError ? error : new CollectorError('COLLECTOR_ENROLL_INVALID', (error as Error).message);
          const metadata = new grpc.Metadata();
          metadata.set('mamori-error-code', known.code);
          callback({ code: known.grpcStatus, details: known.message, metadata });
        },
      );
    },
    Connect: (call) => handleAgentStream(call, deps),
  };
  const service = loadAgentServiceProto().mamori.v1.AgentService.service;
  // Batches arrive with their events located, not decoded into a Buffer each (wire-batch.ts).
  const connect = { ...service.Connect, requestDeserialize: wireBatchDeserializer(service.Connect.requestDeserialize) };
  server.addService({ ...service, Connect: connect }, handlers);
  const credentials = grpc.ServerCredentials.createSsl(
    null, [{ cert_chain: Buffer.from(deps.tls.certPem + deps.tls.caPem), private_key: Buffer.from(deps.tls.keyPem) }], false,
  );
  return { server, credentials };
}
