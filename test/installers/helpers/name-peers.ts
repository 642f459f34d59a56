/**
 * Run by agent-unit-capabilities.integration.test.ts under the agent unit's capability bounding set (setpriv): asks
 * the agent's own lookups who holds the other end of a loopback TCP connection (mail relay, upload endpoint) and of
 * a Unix socket (browser bridge), and prints what they could tell as one JSON line.
 * Usage: tsx name-peers.ts '{"tcp":{...TcpConnection},"unixInode":"123"}'
 */
import { SockDiagPeerIdentifier } from '../../../agent/src/local/browser-bridge/linux-peer.ts';
import type { TcpConnection } from '../../../agent/src/platform/connection-owner/connection-owner.ts';
import { ProcNetTcpOwnerLookup } from '../../../agent/src/platform/connection-owner/linux-proc-net-tcp.ts';

const input = JSON.parse(process.argv[2] ?? '{}') as { tcp: TcpConnection; unixInode: string };
const tcpOwner = await new ProcNetTcpOwnerLookup().owner(input.tcp);
const unixPeer = await new SockDiagPeerIdentifier().identifyInode(input.unixInode);
process.stdout.write(`${JSON.stringify({ tcpOwner: tcpOwner ?? null, unixPeer: unixPeer ?? null })}\n`);
