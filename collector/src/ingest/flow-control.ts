import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/**
 * Per-stream and per-connection HTTP/2 receive window for agent connections. An agent keeps up to 8 batches of
 * ~65 KB in flight on its one stream; with HTTP/2's default 64 KB window even one batch does not fit, so every
 * batch waited a round trip for a WINDOW_UPDATE from a collector that was busy storing the previous one.
 */
export const AGENT_RECEIVE_WINDOW_BYTES = 1 << 20;

/**
 * Opens the receive windows of every HTTP/2 session the gRPC server accepts. grpc-js has no server option for
 * this (its `grpc-node.flow_control_window` is read by clients only: grpc/grpc-node#3058), so this reaches the
 * http2 servers it created when it bound. Call after bindAsync. Returns false when that internal is missing
 * (a grpc-js upgrade changed it): ingest still works, one agent's stream is just slower.
 */
export function widenReceiveWindows(server: Server, bytes = AGENT_RECEIVE_WINDOW_BYTES): boolean {
  const http2Servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  if (!(http2Servers instanceof Map) || http2Servers.size === 0) return false;
  for (const http2Server of http2Servers.keys()) {
    http2Server.on('session', (session: ServerHttp2Session) => {
      // SETTINGS_INITIAL_WINDOW_SIZE sizes every stream's window (existing ones too); the connection's own window
      // is raised separately.
      session.settings({ initialWindowSize: bytes });
      session.setLocalWindowSize(bytes);
    });
  }
  return true;
}
