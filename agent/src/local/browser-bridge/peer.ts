/** Who is at the other end of a local socket connection, as the OS tells it (never as the caller claims). */
export interface SocketPeer {
  pid: number;
  uid: number;
  gid: number;
  /** The OS user name of uid ('' when it has none); on Windows DOMAIN\\user. */
  user: string;
  /** Windows: the user's SID (uid and gid are -1 there). */
  sid?: string;
  /** The peer process's executable. */
  exe: string;
  /** Executables of its parent and grandparent, nearest first (the browser that started a native host). */
  ancestors: string[];
}

export interface PeerIdentifier {
  /** The peer of an accepted connection, or undefined when the OS cannot tell (it is then refused). */
  identify(socket: import('node:net').Socket): Promise<SocketPeer | undefined>;
}
