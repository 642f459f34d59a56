import { join } from 'node:path';
import type { Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { UploadSensor } from './common/upload-sensor.ts';

/**
 * The upload sensor is the same on every OS (the browser does the watching); only hashing touches the disk. It
 * hears the extension through the agent's local endpoint (context.local).
 */
export async function createUploadSensor(context: SensorContext): Promise<Sensor> {
  const config = context.config.sensors.upload;
  const { NodeFileHasher } = await import('./node/file-hasher.ts');
  const { JsonProfileStore } = await import('./node/profile-store.ts');
  const { ContentInspector } = await import('../../inspect/node/content-inspector.ts');
  const { createConnectionOwnerLookup } = await import('../../platform/connection-owner/connection-owner.ts');
  // The native messaging channel needs the OS to name a socket's peer: Linux (sock_diag + /proc), macOS (lsof +
  // ps on a Unix socket), Windows (a named pipe whose PowerShell host asks GetNamedPipeClientProcessId). Hashing
  // a reported path as the peer user is built for Linux only: elsewhere such a report is recorded unhashed.
  let bridge;
  let userHasher;
  if (process.platform === 'win32') {
    const { Win32PipeBridgeServer } = await import('../../local/browser-bridge/win32-pipe-bridge.ts');
    bridge = new Win32PipeBridgeServer({ browserExecutables: config.browserExecutables, ...(config.pipeName ? { pipeName: config.pipeName } : {}) });
  } else if (process.platform === 'darwin') {
    const { BrowserBridgeServer } = await import('../../local/browser-bridge/bridge-server.ts');
    const { LsofPeerIdentifier } = await import('../../local/browser-bridge/darwin-peer.ts');
    bridge = new BrowserBridgeServer({ socketPath: config.socketPath ?? join(context.config.stateDir, 'browser.sock'), identifier: new LsofPeerIdentifier(), browserExecutables: config.browserExecutables });
  } else if (process.platform === 'linux') {
    const { BrowserBridgeServer } = await import('../../local/browser-bridge/bridge-server.ts');
    const { SockDiagPeerIdentifier } = await import('../../local/browser-bridge/linux-peer.ts');
    const { UserFileHasher } = await import('./node/user-file-hasher.ts');
    bridge = new BrowserBridgeServer({ socketPath: config.socketPath ?? join(context.config.stateDir, 'browser.sock'), identifier: new SockDiagPeerIdentifier(), browserExecutables: config.browserExecutables });
    userHasher = new UserFileHasher();
  }
  return new UploadSensor({
    bridge, userHasher, loopback: config.loopback,
    // The loopback routes only when configured: any local process can reach a loopback port.
    routes: config.loopback ? context.local : undefined,
    config,
    policy: context.policy,
    currentUser: context.currentUser,
    hasher: new NodeFileHasher(),
    inspector: new ContentInspector(() => context.policy.current()?.content),
    connectionOwner: await createConnectionOwnerLookup(),
    ...(context.requestUploadAccess ? { requestAccess: context.requestUploadAccess } : {}),
    profiles: new JsonProfileStore(config.profilesFile ?? join(context.config.stateDir, 'upload-extension-profiles.json')),
  });
}
