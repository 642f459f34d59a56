/**
 * Identifies the peer of a Unix socket connection on Linux.
 * OS interface: Node cannot read SO_PEERCRED (no getsockopt on net.Socket), so this asks the kernel's sock_diag
 * through iproute2's `ss -xpn`: our accepted socket's inode (from /proc/self/fd/<fd>) names the peer socket, whose
 * line carries the owning pid; then /proc/<pid>/status gives the real uid/gid and /proc/<pid>/exe the executable.
 * Privileges: root with CAP_SYS_PTRACE (the unit keeps it) sees every process's sockets and executable; without it,
 *   or unprivileged, only its own user's.
 * Known gaps: a pid could in theory be reused between the connection and the lookup (milliseconds); a socket
 * passed to another process (SCM_RIGHTS) names the process holding it now.
 */
import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import type { PeerIdentifier, SocketPeer } from './peer.ts';

const run = promisify(execFile);

export class SockDiagPeerIdentifier implements PeerIdentifier {
  constructor(private readonly proc = '/proc', private readonly ss = 'ss') {}

  async identify(socket: Socket): Promise<SocketPeer | undefined> {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return undefined;
    const link = await readlink(`${this.proc}/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    return inode ? this.identifyInode(inode) : undefined;
  }

  /** The process at the other end of our socket `inode` (the agent's service must be able to read other users' /proc entries). */
  async identifyInode(inode: string): Promise<SocketPeer | undefined> {
    const { stdout } = await run(this.ss, ['-xpnH'], { maxBuffer: 16 * 1024 * 1024 });
    const pid = peerPid(stdout, inode);
    if (pid === undefined) return undefined;
    return processIdentity(this.proc, pid);
  }
}

/** From `ss -xpnH` output: the pid owning the socket whose peer is `inode`. */
export function peerPid(ssOutput: string, inode: string): number | undefined {
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // u_str ESTAB recv send <local path|*> <local inode> <peer path|*> <peer inode> users:(("name",pid=N,fd=M))
    if (fields.length < 8 || fields[7] !== inode) continue;
    const pid = /pid=(\d+)/.exec(line)?.[1];
    if (pid) return Number(pid);
  }
  return undefined;
}

async function processIdentity(proc: string, pid: number): Promise<SocketPeer | undefined> {
  const status = await readFile(`${proc}/${pid}/status`, 'utf8').catch(() => '');
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const gid = /^Gid:\s+(\d+)/m.exec(status)?.[1];
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  if (uid === undefined || gid === undefined) return undefined;
  const exe = await readlink(`${proc}/${pid}/exe`).catch(() => '');
  const ancestors: string[] = [];
  let parent = ppid;
  for (let depth = 0; depth < 2 && parent > 1; depth += 1) {
    ancestors.push(await readlink(`${proc}/${parent}/exe`).catch(() => ''));
    const parentStatus = await readFile(`${proc}/${parent}/status`, 'utf8').catch(() => '');
    parent = Number(/^PPid:\s+(\d+)/m.exec(parentStatus)?.[1] ?? 0);
  }
  return { pid, uid: Number(uid), gid: Number(gid), user: await userName(Number(uid)), exe, ancestors };
}

async function userName(uid: number): Promise<string> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && Number(id) === uid && id !== '') return name;
  }
  return '';
}
