import * as grpc from '@grpc/grpc-js';
import type { AgentServiceClient } from '@mamori/proto';
import { loadAgentServiceProto, maxMessageBytes } from '@mamori/proto/grpc';
import { AgentError } from '../errors.ts';
import { collectorTlsName } from './pin.ts';

/** A gRPC client that trusts only the pinned collector CA. `localhost` is dialled by name (DEP0123). */
export function createCollectorClient(address: string, caPem: string): AgentServiceClient {
  const Service = loadAgentServiceProto().mamori.v1.AgentService;
  return new Service(address.replace(/^127\.0\.0\.1:/, 'localhost:'), grpc.credentials.createSsl(Buffer.from(caPem)), {
    'grpc.ssl_target_name_override': collectorTlsName,
    'grpc.default_authority': collectorTlsName,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.initial_reconnect_backoff_ms': 500,
    'grpc.max_reconnect_backoff_ms': 10_000,
  });
}

/** Our error code from a gRPC error's metadata, with the collector's message. */
export function describeGrpcError(error: unknown): { code?: string; message: string; status?: number } {
  const e = error as grpc.ServiceError;
  const code = e?.metadata?.get('mamori-error-code')?.[0];
  return { code: typeof code === 'string' ? code : undefined, message: e?.details || e?.message || String(error), status: e?.code };
}

export function toAgentError(error: unknown): AgentError {
  const { code, message, status } = describeGrpcError(error);
  if (code?.startsWith('COLLECTOR_TOKEN_')) return new AgentError('AGENT_TOKEN_REJECTED', message);
  if (status === grpc.status.UNAVAILABLE || status === grpc.status.DEADLINE_EXCEEDED) return new AgentError('AGENT_COLLECTOR_UNREACHABLE', message);
  return new AgentError('AGENT_TOKEN_REJECTED', message);
}
