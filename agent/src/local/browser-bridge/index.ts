export { BrowserBridgeServer, type BridgeHandler, type BrowserBridgeOptions } from './bridge-server.ts';
export type { PeerIdentifier, SocketPeer } from './peer.ts';
