/**
 * Who is on the other end of a loopback TCP connection: the OS user owning the client's socket. The mail relay
 * uses it when the mail client did not log in (SMTP AUTH), the upload endpoint for the browser's reports, so
 * records name the person who sent, not merely whoever is logged in at the console.
 */

/** A connection as the server sees it: its own end (local) and the client's (remote). */
export interface TcpConnection {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

export interface ConnectionOwner {
  user: string;
  uid?: number;
  pid?: number;
  /** The client process's executable name, where known. */
  process?: string;
}

export interface ConnectionOwnerLookup {
  /** The owner of the client end of `connection`, or undefined when it cannot be told (gone, not permitted). */
  owner(connection: TcpConnection): Promise<ConnectionOwner | undefined>;
}

/** Where the OS cannot tell (or has no adapter yet): always undefined. */
export class NoConnectionOwnerLookup implements ConnectionOwnerLookup {
  owner(): Promise<ConnectionOwner | undefined> {
    return Promise.resolve(undefined);
  }
}

/** Picks the adapter for this OS; loaded with import() so a Windows-only module never loads elsewhere. */
export async function createConnectionOwnerLookup(platform: NodeJS.Platform = process.platform): Promise<ConnectionOwnerLookup> {
  if (platform === 'linux') return new (await import('./linux-proc-net-tcp.ts')).ProcNetTcpOwnerLookup();
  if (platform === 'win32') return new (await import('./win32-extended-tcp-table.ts')).ExtendedTcpTableOwnerLookup();
  return new NoConnectionOwnerLookup();
}
